package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 18's "nothing charged twice" at the two points where a replica may die after Ideogram answered a line
 * (ARCHITECTURE.md §13): its charge recorded but its hold not settled, or its hold settled but its outcome not
 * recorded. The runner of replica A is stopped at that point by its test hook, A is killed, and replica B, sharing
 * the same Redis, takes the line over: the team is charged once what the answer cost, Ideogram is called once, and
 * the line ends {@code unknown} at that cost. And a line that outlives its lease on a live replica is not taken over:
 * the runner renews its lease.
 */
class BatchTakeoverTest {
  private static final String KEY = TestConfig.clientKey("solo");

  @TempDir
  Path images;

  private GatewayConfig config(String redisUrl, String prefix, String simulator) {
    return TestConfig.upstream(simulator)
        .redis(redisUrl, "keyPrefix: " + prefix, "holdLease: 20s")
        .team("solo", "contentPolicy: permissive")
        .top("batches:\n  imageDir: \"" + images + "\"\n  lineLease: 2s\n"
            + "  urlSecret: \"takeover-url-secret-0123456789\"")
        .build();
  }

  @ParameterizedTest
  @EnumSource(BatchRunner.Step.class)
  void aReplicaDyingAfterIdeogramAnsweredALineLeavesItChargedOnceAndNeverCalledAgain(BatchRunner.Step step) {
    try (RedisServer redis = RedisServer.start();
        GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0)
            .withAcceptAnyKey(true))) {
      GatewayConfig config = config(redis.url(), "t" + UUID.randomUUID().toString().substring(0, 8),
          harness.simulator.baseUrl());
      Gateway a = harness.start(config);
      CompletableFuture<Void> reached = new CompletableFuture<>();
      a.batches().runner().pauseForTest = (at, claim) -> {
        if (at != step) {
          return Future.succeededFuture();
        }
        reached.complete(null);
        return Promise.<Void>promise().future(); // replica A stops here for good
      };
      Reply submitted = await(harness.http.send(HttpMethod.POST, a.port(), "/v1/batches",
          Map.of("Api-Key", KEY, "Content-Type", "application/jsonl"),
          Buffer.buffer(BatchGatewayTest.line("only", "a lighthouse at dawn", 2) + "\n")));
      assertEquals(201, submitted.status(), submitted.toString());
      String id = submitted.json().getString("id");
      reached.orTimeout(30, TimeUnit.SECONDS).join();
      harness.kill(a);

      Gateway b = harness.start(config);
      JsonObject done = waitForEnd(harness, b, id);
      assertEquals(1, done.getJsonObject("counts").getInteger("unknown"), done.encode());
      Reply results = await(harness.http.get(b.port(), "/v1/batches/" + id + "/results", KEY));
      JsonObject line = new JsonObject(results.body().toString().strip());
      assertEquals("unknown", line.getString("status"), line.encode());
      long cost = 2 * 30_000L;
      assertEquals(cost, MicroUsd.parse(line.getString("cost_usd")), "what Ideogram's answer cost: 2 TURBO images");
      assertEquals(cost, MicroUsd.parse(done.getString("cost_usd")));
      TeamUsage usage = usage(b);
      assertEquals(cost, usage.spentDayMicroUsd(), "charged once, not again by the takeover (" + step + ")");
      assertEquals(0, usage.heldMicroUsd(), "no hold left to expire and be charged later");
      assertEquals(1, harness.statsFor("solo").requests(), "Ideogram was called once");
    }
  }

  @org.junit.jupiter.api.Test
  void aLiveReplicasLongLineIsNotTakenOverItsLeaseIsRenewed() {
    try (RedisServer redis = RedisServer.start();
        GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0)
            .withAcceptAnyKey(true))) {
      GatewayConfig config = config(redis.url(), "t" + UUID.randomUUID().toString().substring(0, 8),
          harness.simulator.baseUrl());
      Gateway a = harness.start(config);
      CompletableFuture<Void> reached = new CompletableFuture<>();
      Promise<Void> resume = Promise.promise();
      a.batches().runner().pauseForTest = (at, claim) -> {
        if (at != BatchRunner.Step.CHARGE_RECORDED) {
          return Future.succeededFuture();
        }
        reached.complete(null);
        return resume.future(); // a line much longer than its 2 s lease
      };
      Reply submitted = await(harness.http.send(HttpMethod.POST, a.port(), "/v1/batches",
          Map.of("Api-Key", KEY, "Content-Type", "application/jsonl"),
          Buffer.buffer(BatchGatewayTest.line("only", "a lighthouse at dawn", 2) + "\n")));
      String id = submitted.json().getString("id");
      reached.orTimeout(30, TimeUnit.SECONDS).join();
      Gateway b = harness.start(config); // looks for work every 200 ms the whole time
      await(harness.clientVertx.timer(6_000)); // three leases
      JsonObject meanwhile = await(harness.http.get(b.port(), "/v1/batches/" + id, KEY)).json();
      assertEquals(1, meanwhile.getJsonObject("counts").getInteger("running"), "still A's: " + meanwhile);
      a.batches().runner().pauseForTest = (at, claim) -> Future.succeededFuture();
      harness.clientVertx.runOnContext(v -> resume.complete());

      JsonObject done = waitForEnd(harness, b, id);
      assertEquals(1, done.getJsonObject("counts").getInteger("succeeded"), "finished by A, images kept: "
          + done.encode());
      assertEquals(60_000L, usage(b).spentDayMicroUsd());
      assertEquals(1, harness.statsFor("solo").requests());
    }
  }

  private static TeamUsage usage(Gateway gateway) {
    TeamConfig team = gateway.settings().config().team("solo");
    return await(gateway.ledger().usage(new TeamBudget("solo", team.dailyBudgetMicroUsd(),
        team.monthlyBudgetMicroUsd()), BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
  }

  private static JsonObject waitForEnd(GatewayHarness harness, Gateway replica, String id) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      Reply reply = await(harness.http.get(replica.port(), "/v1/batches/" + id, KEY));
      if (reply.status() == 200 && List.of("completed", "cancelled").contains(reply.json().getString("state"))) {
        return reply.json();
      }
      await(harness.clientVertx.timer(100));
    }
    throw new AssertionError("batch " + id + " did not end: "
        + await(harness.http.get(replica.port(), "/v1/batches/" + id, KEY)));
  }
}
