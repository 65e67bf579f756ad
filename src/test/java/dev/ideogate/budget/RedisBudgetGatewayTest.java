package dev.ideogate.budget;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.RedisCluster;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The Redis ledger through whole gateways (ARCHITECTURE.md §7): several replicas on one Redis enforce one budget exactly,
 * windows follow the configured time zone, an outage is a clean 503 and heals by itself, and holds of a dead
 * replica are charged after their lease.
 */
class RedisBudgetGatewayTest {

  private static GatewayHarness harness() {
    GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0));
    return harness;
  }

  private static List<Gateway> replicas(GatewayHarness harness, String redisUrl, String mode, String team,
      String budgetUsd, int count) {
    List<Gateway> gateways = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      gateways.add(harness.start(url -> TestConfig.upstream(url).redis(redisUrl, "mode: " + mode)
          .team(team, "dailyBudgetUsd: \"" + budgetUsd + "\"", "maxQueued: 1000").build()));
    }
    // Three local lanes may together exceed Ideogram's 10 here (cluster-wide permits are another test's subject).
    harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey(team)),
        SimulatorKnobs.NONE.withMaxInFlight(1_000).withLatencyMs(5L));
    // Open each replica's Redis pool before the burst: the subject here is exactness, not a cold start.
    List<Future<Reply>> warmUp = new ArrayList<>();
    for (Gateway gateway : gateways) {
      for (int i = 0; i < 40; i++) {
        warmUp.add(harness.http.get(gateway.port(), "/v1/usage", TestConfig.clientKey(team)));
      }
    }
    warmUp.forEach(f -> await(f));
    return gateways;
  }

  private static TeamUsage usage(Gateway gateway, String team, long limit) {
    return await(gateway.ledger().usage(new TeamBudget(team, limit, OptionalLong.empty()),
        BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
  }

  private static void exactlyTheBudgetAcrossThreeReplicas(String redisUrl, String mode) {
    try (GatewayHarness harness = harness()) {
      // V_2_TURBO at 0.05 USD: 12.50 USD fits exactly 250 images.
      List<Gateway> gateways = replicas(harness, redisUrl, mode, "shared-250", "12.50", 3);
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 900; i++) {
        Gateway gateway = gateways.get(i % 3);
        replies.add(harness.http.postJson(gateway.port(), "/generate", TestConfig.clientKey("shared-250"),
            Http.generate("poster " + i, "V_2_TURBO", 1)));
      }
      List<Reply> done = replies.stream().map(f -> await(f)).toList();
      String others = done.stream().filter(r -> r.status() != 200 && r.status() != 402).limit(3).toList().toString();
      assertEquals(250, done.stream().filter(r -> r.status() == 200).count(), "exactly 250 succeed");
      assertEquals(650, done.stream().filter(r -> r.status() == 402).count(), "the rest are 402, not " + others);
      TeamUsage usage = usage(gateways.get(0), "shared-250", 12_500_000);
      assertEquals(12_500_000, usage.spentDayMicroUsd(), "0 µUSD over, 0 under");
      assertEquals(0, usage.heldMicroUsd());
    }
  }

  @Test
  void threeReplicasOnOneRedisAdmitExactlyTheImagesTheBudgetFits() {
    try (RedisServer redis = RedisServer.startOwned()) {
      exactlyTheBudgetAcrossThreeReplicas(redis.url(), "standalone");
    }
  }

  @Test
  void theSameHoldsOnAThreeMasterRedisCluster() {
    try (RedisCluster cluster = RedisCluster.start()) {
      exactlyTheBudgetAcrossThreeReplicas(cluster.url(), "cluster");
    }
  }

  @Test
  void mixedPricesAndImageCountsNeverPassTheLimit() {
    try (RedisServer redis = RedisServer.startOwned(); GatewayHarness harness = harness()) {
      List<Gateway> gateways = replicas(harness, redis.url(), "standalone", "mixed", "7.77", 3);
      String[] models = {"V_2", "V_2_TURBO", "V_1_TURBO", "V_2A_TURBO"}; // 0.08, 0.05, 0.02, 0.025
      long[] unit = {80_000, 50_000, 20_000, 25_000};
      List<Future<Reply>> replies = new ArrayList<>();
      List<Long> costs = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        int m = ThreadLocalRandom.current().nextInt(models.length);
        int n = 1 + ThreadLocalRandom.current().nextInt(4);
        costs.add(unit[m] * n);
        replies.add(harness.http.postJson(gateways.get(i % 3).port(), "/generate", TestConfig.clientKey("mixed"),
            Http.generate("mix " + i, models[m], n)));
      }
      long cheapestRefused = Long.MAX_VALUE;
      for (int i = 0; i < replies.size(); i++) {
        Reply reply = await(replies.get(i));
        assertTrue(reply.status() == 200 || reply.status() == 402, reply.toString());
        if (reply.status() == 402) {
          cheapestRefused = Math.min(cheapestRefused, costs.get(i));
        }
      }
      TeamUsage usage = usage(gateways.get(0), "mixed", 7_770_000);
      long remaining = 7_770_000 - usage.spentDayMicroUsd();
      System.out.printf("mixed prices: spent %d µUSD of 7770000, remaining %d, cheapest refused %d%n",
          usage.spentDayMicroUsd(), remaining, cheapestRefused);
      assertTrue(remaining >= 0, "0 µUSD over the limit");
      assertTrue(remaining < cheapestRefused, "what remains is less than the cheapest refused request");
    }
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    final AtomicReference<Instant> now;
    private final ZoneId zone;

    MovableClock(Instant start) {
      this(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    private MovableClock(AtomicReference<Instant> now, ZoneId zone) {
      this.now = now;
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
      return new MovableClock(now, newZone);
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void aDayBoundaryInTheConfiguredZoneStartsAFreshWindow() {
    try (RedisServer redis = RedisServer.startOwned(); GatewayHarness harness = harness()) {
      // 22:59:30 UTC is 23:59:30 in Paris: one minute later it is a new day there, not yet in UTC.
      MovableClock clock = new MovableClock(Instant.parse("2026-11-24T22:59:30Z"));
      Gateway gateway = harness.start(TestConfig.upstream(harness.simulator.baseUrl()).redis(redis.url())
          .budgets("timezone: Europe/Paris").team("daily", "dailyBudgetUsd: \"0.08\"").build(),
          new Gateway.Options(clock, 1));
      String key = TestConfig.clientKey("daily");
      assertEquals(200, await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("a", "V_2", 1))).status());
      assertEquals(402, await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("b", "V_2", 1))).status());
      clock.now.set(Instant.parse("2026-11-24T23:00:30Z"));
      Reply nextDay = await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("c", "V_2", 1)));
      assertEquals(200, nextDay.status(), "a fresh window in Europe/Paris: " + nextDay);
      assertEquals("0.00", nextDay.header("X-Ideogate-Budget-Remaining-Usd"));
      Reply usage = await(harness.http.get(gateway.port(), "/v1/usage", key));
      assertEquals("2026-11-25", usage.json().getJsonArray("windows").getJsonObject(0).getString("period"));
    }
  }

  @Test
  void redisDownIsA503WithinASecondAndRecoversWithoutRestart() throws Exception {
    try (RedisServer redis = RedisServer.startOwned(); GatewayHarness harness = harness()) {
      Gateway gateway = replicas(harness, redis.url(), "standalone", "outage", "1000", 1).get(0);
      String key = TestConfig.clientKey("outage");
      assertEquals(200, await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("a", "V_2", 1))).status());
      List<Future<Reply>> load = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        load.add(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("load " + i, "V_2", 1)));
      }
      redis.stop();
      for (Future<Reply> f : load) {
        int status = await(f).status();
        assertTrue(status == 200 || status == 503, "mid-load: only successes or clean 503s, got " + status);
      }
      long started = System.nanoTime();
      Reply refused = await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("b", "V_2", 1)));
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(503, refused.status(), refused.toString());
      assertEquals("budget_store_unavailable", refused.code());
      assertTrue(tookMs < 1_000, "answered within 1 s, took " + tookMs + " ms");
      Reply ready = await(harness.http.get(gateway.managementPort(), "/health/ready", null));
      // Readiness does not follow Redis (ARCHITECTURE.md §7): the replica keeps answering its own 503 with Retry-After.
      assertEquals(200, ready.status(), "still ready while Redis is down: every replica shares the outage");

      redis.restart();
      Reply back = null;
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        back = await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("c", "V_2", 1)));
        if (back.status() == 200) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(200, back.status(), "recovered without a restart: " + back);
      assertEquals(200, await(harness.http.get(gateway.managementPort(), "/health/ready", null)).status());
    }
  }

  @Test
  void holdsOfAReplicaKilledMidCallAreChargedAfterTheirLease() throws Exception {
    try (RedisServer redis = RedisServer.startOwned(); GatewayHarness harness = harness()) {
      String config = "holds";
      Gateway doomed = harness.start(url -> TestConfig.upstream(url).redis(redis.url(), "holdLease: 2s")
          .upstreamSettings("timeout: 1s").team(config).build());
      Gateway survivor = harness.start(url -> TestConfig.upstream(url).redis(redis.url(), "holdLease: 2s")
          .upstreamSettings("timeout: 1s").team(config).build());
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey(config)),
          SimulatorKnobs.NONE.withLatencyMs(800L));
      String key = TestConfig.clientKey(config);
      for (int i = 0; i < 5; i++) {
        harness.http.postJson(doomed.port(), "/generate", key, Http.generate("doomed " + i, "V_2", 1));
      }
      long deadline = System.currentTimeMillis() + 5_000;
      while (usage(survivor, config, 100_000_000).heldMicroUsd() < 5 * 80_000 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(5 * 80_000, usage(survivor, config, 100_000_000).heldMicroUsd(), "five holds open");
      harness.kill(doomed);
      // The survivor's reaper (every third of the lease) charges them once the 2 s lease ran out, with no request.
      dev.ideogate.testing.Await.until("the dead replica's holds charged by the survivor's reaper",
          java.time.Duration.ofSeconds(10), () -> usage(survivor, config, 100_000_000).holdsExpired() == 5);
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey(config)), null);
      assertEquals(200, await(harness.http.postJson(survivor.port(), "/generate", key, Http.generate("next", "V_2", 1))).status());
      TeamUsage usage = usage(survivor, config, 100_000_000);
      assertEquals(5, usage.holdsExpired(), "the dead replica's holds expired and were counted");
      assertEquals(6 * 80_000, usage.spentDayMicroUsd(), "and charged (conservatively), plus the new request");
      assertEquals(0, usage.heldMicroUsd(), "nothing stays held");
    }
  }

  @Test
  void aLiveReplicasHoldOutlivesItsLeaseWhileTheCallRuns() {
    try (RedisServer redis = RedisServer.startOwned(); GatewayHarness harness = harness()) {
      String team = "slow-call";
      Gateway gateway = harness.start(url -> TestConfig.upstream(url).redis(redis.url(), "holdLease: 2s")
          .upstreamSettings("timeout: 10s").team(team).build());
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey(team)),
          SimulatorKnobs.NONE.withLatencyMs(5_000L)); // two and a half leases
      String key = TestConfig.clientKey(team);

      Reply slow = await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate("slow", "V_2", 1)));

      assertEquals(200, slow.status(), slow.toString());
      TeamUsage usage = usage(gateway, team, 100_000_000);
      assertEquals(0, usage.holdsExpired(), "the heartbeat kept the hold of the running call");
      assertEquals(80_000, usage.spentDayMicroUsd(), "charged once, what the call cost");
      assertEquals(0, usage.heldMicroUsd());
    }
  }
}
