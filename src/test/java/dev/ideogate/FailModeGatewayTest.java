package dev.ideogate;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis.failMode} end to end (ARCHITECTURE.md §7), a gateway and the simulator over HTTP and a Redis the test
 * stops and starts again: open keeps serving with each replica's own budget, rate limits and permits, loudly, and
 * goes back to Redis when it answers; closed answers 503 with Retry-After.
 */
class FailModeGatewayTest {
  /** Two V_2 images (0.08 USD each) fit in a day. */
  private static final String BUDGET = "dailyBudgetUsd: \"0.16\"";
  private final GatewayHarness harness = GatewayHarness.fastSimulator();
  private final RedisServer redis = RedisServer.startOwned();

  @AfterEach
  void stop() {
    harness.close();
    redis.close();
  }

  @Test
  void failOpenServesOnLocalStoresWhileRedisIsDownAndEnforcesThroughRedisWhenItIsBack() throws Exception {
    Gateway gateway = start("open");
    assertEquals(200, generate(gateway).status(), "Redis up");
    redis.stop();

    // Redis down: served (a permit, a rate-limit token and a budget hold, all local), then the local budget refuses
    Http.Reply servedLocally = generate(gateway);
    assertEquals(200, servedLocally.status(), servedLocally.toString());
    assertEquals(200, generate(gateway).status());
    Http.Reply refusedLocally = generate(gateway);
    assertEquals(402, refusedLocally.status(), refusedLocally.toString());
    assertEquals("budget_exceeded", refusedLocally.code());
    String scrape = gateway.metrics().scrape();
    for (String store : new String[] {"budget", "rate_limits", "permits"}) {
      assertTrue(scrape.contains("ideogate_fail_open_active{store=\"" + store + "\"} 1.0"), store + "\n" + scrape);
      assertTrue(scrape.lines().anyMatch(l -> l.startsWith("ideogate_fail_open_total{store=\"" + store + "\"}")
          && !l.endsWith(" 0.0")), store);
    }

    // Redis back (empty, as after a restart without persistence): the next probe returns every store to it
    redis.restart();
    waitUntilBackOnRedis(gateway);
    assertEquals(200, generate(gateway).status(), "the local budget is spent: this one is Redis's");
    assertEquals(200, generate(gateway).status());
    Http.Reply refusedByRedis = generate(gateway);
    assertEquals(402, refusedByRedis.status(), refusedByRedis.toString());
    String after = gateway.metrics().scrape();
    for (String store : new String[] {"budget", "rate_limits", "permits"}) {
      assertTrue(after.contains("ideogate_fail_open_active{store=\"" + store + "\"} 0.0"), store + "\n" + after);
    }
    assertEquals(0, gateway.dispatcher().lanes().stream().mapToInt(l -> l.inFlight()).sum(), "no permit leaked");
  }

  @Test
  void failClosedAnswers503WithRetryAfterWhileRedisIsDown() {
    Gateway gateway = start("closed");
    assertEquals(200, generate(gateway).status());
    redis.stop();
    Http.Reply refused = generate(gateway);
    assertEquals(503, refused.status(), refused.toString());
    assertEquals("budget_store_unavailable", refused.code());
    assertNotNull(refused.header("Retry-After"));
    assertNotNull(refused.json().getString("request_id"));
    assertTrue(!gateway.metrics().scrape().contains("ideogate_fail_open_active"), "closed: no fail-open store");
  }

  private Gateway start(String failMode) {
    return harness.start(TestConfig.upstream(harness.simulator.baseUrl())
        .redis(redis.url(), "failMode: " + failMode, "commandTimeout: 1s",
            "keyPrefix: fm" + UUID.randomUUID().toString().substring(0, 8))
        .team("alpha", BUDGET, "rateLimit: { perMinute: 600, burst: 100 }")
        .build(), Gateway.Options.defaults());
  }

  private Http.Reply generate(Gateway gateway) {
    return await(harness.http.postJson(gateway.port(), "/generate", TestConfig.clientKey("alpha"),
        Http.generate("a lighthouse", "V_2", 1)));
  }

  /** Waits for the event, not for a time: a budget read that Redis itself answers ends the budget's outage. */
  private static void waitUntilBackOnRedis(Gateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!gateway.metrics().scrape().contains("ideogate_fail_open_active{store=\"budget\"} 0.0")) {
      assertTrue(System.nanoTime() < deadline, "the budget store did not return to Redis within 10 s");
      await(gateway.budgetGauges().refresh());
      Thread.sleep(20); // polling interval of the wait, not a synchronisation
    }
  }
}
