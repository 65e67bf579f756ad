package dev.ideogate.dispatch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.sim.RecordedRequest;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher of ARCHITECTURE.md §8 on one replica, against the simulator over loopback: the 10-in-flight limit, fair
 * queues, team caps, AIMD against a stricter upstream, Retry-After, and clean-up after clients vanish.
 */
class DispatcherTest {
  private static final String SHARED = "upstreamKey: \"" + TestConfig.upstreamKey("shared") + "\"";
  private static final String SHARED_FP = KeyFingerprint.of(TestConfig.upstreamKey("shared"));

  private static List<Reply> fire(GatewayHarness harness, Gateway gateway, String team, int count, String path) {
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(send(harness, gateway, team, path, i));
    }
    return replies.stream().map(f -> await(f)).toList();
  }

  private static Future<Reply> send(GatewayHarness harness, Gateway gateway, String team, String path, int i) {
    String body = path.equals("/generate") ? Http.generate(team + " lamp " + i, "V_2", 1)
        : new JsonObject().put("prompt", team + " lamp " + i).put("rendering_speed", "TURBO").encode();
    return harness.http.postJson(gateway.port(), path, TestConfig.clientKey(team), body);
  }

  @Test
  void threeHundredClientsOnOneKeyKeepIdeogramAtExactlyTenWithout429s() {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url).team("flood", "maxQueued: 1000").build());
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey("flood")),
          SimulatorKnobs.NONE.withLatencyMs(100L));
      List<Reply> replies = fire(harness, gateway, "flood", 300, "/generate");
      assertTrue(replies.stream().allMatch(r -> r.status() == 200), "all 300 served");
      var stats = harness.statsFor("flood");
      assertEquals(10, stats.maxConcurrency(), "exactly 10 in flight at the peak, never more");
      assertEquals(0, stats.rejected429());
    }
  }

  @Test
  void aSmallTeamIsServedBeforeAFloodingTeamsBacklogIsAQuarterDone() {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .team("flood-a", SHARED, "maxQueued: 1000").team("small-b", SHARED).build());
      harness.simulator.configure(SHARED_FP, SimulatorKnobs.NONE.withLatencyMs(50L));
      AtomicInteger aDone = new AtomicInteger();
      List<Future<Reply>> flood = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        flood.add(send(harness, gateway, "flood-a", "/generate", i).onSuccess(r -> aDone.incrementAndGet()));
      }
      // the small team arrives once the flood has a backlog queued in the lane
      Await.until("the flood has a backlog", () -> gateway.dispatcher().lanes().stream()
          .mapToInt(l -> l.queued()).sum() >= 100);
      int aAtBStart = aDone.get();
      List<Future<Reply>> small = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        small.add(send(harness, gateway, "small-b", "/generate", i));
      }
      small.forEach(f -> assertEquals(200, await(f).status()));
      int aWhileB = aDone.get() - aAtBStart;
      flood.forEach(f -> assertEquals(200, await(f).status()));
      assertTrue(aWhileB < 75, "B's 10 were served before a quarter of A's 300 went by: A finished " + aWhileB
          + " meanwhile");
    }
  }

  @Test
  void aTeamCappedAtThreeNeverHasMoreWhileOthersFillTheLane() {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .team("capped", SHARED, "maxConcurrency: 3").team("others", SHARED).build());
      harness.simulator.configure(SHARED_FP, SimulatorKnobs.NONE.withLatencyMs(100L));
      // The capped team uses the V3 path, the other team the legacy one: the simulator's log tells them apart.
      List<Future<Reply>> all = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        all.add(send(harness, gateway, "capped", "/v1/ideogram-v3/generate", i));
        all.add(send(harness, gateway, "others", "/generate", i));
      }
      all.forEach(f -> assertEquals(200, await(f).status()));
      List<RecordedRequest> log = harness.simulator.recentRequests(SHARED_FP);
      assertEquals(3, maxOverlap(log, "/v1/ideogram-v3/generate"), "the capped team peaked at exactly 3");
      assertEquals(10, maxOverlap(log, null), "while the lane was full");
    }
  }

  /** Peak concurrency from arrival/finish times; a finish and an arrival in the same ms do not overlap. */
  private static int maxOverlap(List<RecordedRequest> log, String path) {
    List<long[]> events = new ArrayList<>();
    for (RecordedRequest r : log) {
      if (r.status() == 200 && (path == null || r.path().equals(path))) {
        events.add(new long[] {r.arrivedAtMs(), 1});
        events.add(new long[] {r.finishedAtMs(), -1});
      }
    }
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int current = 0;
    int max = 0;
    for (long[] e : events) {
      current += (int) e[1];
      max = Math.max(max, current);
    }
    return max;
  }

  @Test
  void aStricterUpstreamLimitIsLearnedAndItsRetriesStop() {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .upstreamSettings("retry: { maxAttempts: 8, baseDelay: 50ms, maxDelay: 500ms }")
          .team("strict6", "maxQueued: 1000").build());
      String fp = KeyFingerprint.of(TestConfig.upstreamKey("strict6"));
      harness.simulator.configure(fp, SimulatorKnobs.NONE.withLatencyMs(100L).withMaxInFlight(6));
      List<Future<Reply>> first = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        first.add(send(harness, gateway, "strict6", "/generate", i));
      }
      first.forEach(f -> assertEquals(200, await(f).status(), "every request still succeeds"));
      int limit = gateway.dispatcher().lanes().iterator().next().limit();
      assertTrue(limit <= 6, "the lane learned the stricter limit: " + limit);
      long rejectedSoFar = harness.simulator.stats(fp).rejected429();
      assertTrue(rejectedSoFar > 0, "the simulator did refuse the first wave");
      List<Reply> second = fire(harness, gateway, "strict6", 150, "/generate");
      assertTrue(second.stream().allMatch(r -> r.status() == 200));
      assertEquals(rejectedSoFar, harness.simulator.stats(fp).rejected429(), "no more 429s once learned");
      System.out.printf("AIMD: learned limit %d after %d upstream 429s%n", limit, rejectedSoFar);
    }
  }

  @Test
  void retryAfterIsHonouredAndItsAbsenceMeansJitteredBackoff() {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .upstreamSettings("retry: { maxAttempts: 3, baseDelay: 400ms, maxDelay: 400ms }")
          .team("polite").build());
      String fp = KeyFingerprint.of(TestConfig.upstreamKey("polite"));
      harness.simulator.configure(fp, SimulatorKnobs.NONE.withForce429Count(1).withRetryAfterS(2));
      assertEquals(200, fire(harness, gateway, "polite", 1, "/generate").get(0).status());
      List<RecordedRequest> log = harness.simulator.recentRequests(fp);
      assertEquals(429, log.get(0).status());
      long gap = log.get(1).arrivedAtMs() - log.get(0).finishedAtMs();
      assertTrue(gap >= 2_000, "Retry-After: 2 honoured, retried after " + gap + " ms");

      List<Long> gaps = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        harness.simulator.reset();
        harness.simulator.configure(fp, SimulatorKnobs.NONE.withForce429Count(1));
        assertEquals(200, fire(harness, gateway, "polite", 1, "/generate").get(0).status());
        List<RecordedRequest> attempts = harness.simulator.recentRequests(fp);
        gaps.add(attempts.get(1).arrivedAtMs() - attempts.get(0).finishedAtMs());
      }
      assertTrue(gaps.stream().allMatch(g -> g <= 600), "backoff within baseDelay (+ scheduling): " + gaps);
      assertTrue(gaps.stream().distinct().count() > 2, "full jitter spreads the retries: " + gaps);
    }
  }

  @Test
  void queueFullCarriesARetryAfterEstimatedFromTheLanesThroughput() {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .team("bounded", "maxQueued: 40", "maxQueueWait: 30s").build());
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey("bounded")),
          SimulatorKnobs.NONE.withLatencyMs(100L));
      fire(harness, gateway, "bounded", 50, "/generate"); // warm the completion rate (≈100/s)
      List<Reply> replies = fire(harness, gateway, "bounded", 80, "/generate");
      List<Reply> full = replies.stream().filter(r -> "queue_full".equals(r.code())).toList();
      assertEquals(30, full.size(), "10 in flight + 40 queued are admitted, 30 refused");
      for (Reply reply : full) {
        long retryAfter = Long.parseLong(reply.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3, "40 queued at ≈100/s clear in < 1 s, got " + retryAfter);
      }
    }
  }

  @Test
  void clientsThatVanishWhileQueuedOrInFlightLeaveNoPermitAndNoHold() throws Exception {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url).team("flaky", "maxQueued: 1000").build());
      String fp = KeyFingerprint.of(TestConfig.upstreamKey("flaky"));
      harness.simulator.configure(fp, SimulatorKnobs.NONE.withLatencyMs(150L));
      var client = harness.clientVertx.createHttpClient(new HttpClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(200));
      List<Future<?>> attempts = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        long giveUpMs = ThreadLocalRandom.current().nextLong(20, 1_500);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(gateway.port()).setURI("/generate").setIdleTimeout(giveUpMs)
            .putHeader("Api-Key", TestConfig.clientKey("flaky")).putHeader("Content-Type", "application/json");
        attempts.add(client.request(options)
            .compose(req -> req.send(Buffer.buffer(Http.generate("vanishing " + giveUpMs, "V_2", 1))))
            .compose(resp -> resp.body()).otherwiseEmpty());
      }
      attempts.forEach(f -> await(f.otherwiseEmpty()));
      // a hold is released or settled just after its job leaves the lane: wait for both, then check them
      TeamBudget budget = new TeamBudget("flaky", 100_000_000, OptionalLong.empty());
      Await.until("the lane is empty and every hold settled or released", Duration.ofSeconds(30),
          () -> gateway.dispatcher().lanes().stream().allMatch(l -> l.inFlight() == 0 && l.queued() == 0)
              && await(gateway.ledger().usage(budget, BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)))
                  .heldMicroUsd() == 0);
      var lane = gateway.dispatcher().lanes().iterator().next();
      assertEquals(0, lane.inFlight(), "no permit left taken");
      assertEquals(0, lane.queued(), "no job left queued");
      var usage = await(gateway.ledger().usage(budget, BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
      assertEquals(0, usage.heldMicroUsd(), "no hold left behind");
      long images = harness.statsFor("flaky").images();
      assertEquals(images * 80_000, usage.spentDayMicroUsd(), "every image Ideogram produced was charged, none more");
      assertEquals(images, usage.imagesDay());
      assertTrue(images < 100, "some clients left before dispatch and were never sent: " + images);
      client.close();
    }
  }
}
