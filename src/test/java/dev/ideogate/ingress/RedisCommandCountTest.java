package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.dispatch.RedisPermitStore;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.CommandStats;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Redis work of one admitted request (ARCHITECTURE.md §2), counted by Redis itself: {@code INFO commandstats}
 * on a test-owned Redis over N sequential generates through one replica. Commands that scripts run count there
 * too, so the total is every command Redis executed for the request; background work the requests cause (key usage
 * and image-count flushes, the hold heartbeat) is in the total as well, so the bound holds with it; pollers that run
 * without traffic (webhook delivery, replica registry, revocation resync, batch claims, the hold reaper) are measured
 * on the idle replica and subtracted.
 */
class RedisCommandCountTest {
  private static final int REQUESTS = 60;
  private static final long IDLE_MS = 3_000;
  /**
   * Commands executed per admitted request, inner script commands included (ARCHITECTURE.md §2; was 42, then 27):
   * issue 14's target. 14 on the request's path (reserve 4, settle 5, permit acquire 4: EVALSHA, HMGET, ZCARD, ZADD,
   * and release 1: ZREM, with a PUBLISH only while the lane is contended or the release frees a slot of a full lane),
   * and a background share measured at 0.0–0.3 (image and key-usage flushes, hold heartbeat and reaper, gauges,
   * RedisClock samples; 14.17 in all on 2026-12-03).
   */
  private static final double MAX_COMMANDS_PER_REQUEST = 15;
  /**
   * Scripts sent per request: reserve, permit acquire and settle (the permit release is a plain ZREM sent with the
   * settle, one trip), plus the background share: the key-usage flush. No AIMD report at the configured cap.
   */
  private static final double MAX_SCRIPTS_PER_REQUEST = 3.5;

  /**
   * With a team rate limit, the GCRA check runs inside {@code reserve.lua} (ARCHITECTURE.md §2 step 10): no script
   * more than without one, so still three round trips on the critical path, and one SET … PX per bucket more.
   */
  private static final double MAX_COMMANDS_PER_REQUEST_RATE_LIMITED = MAX_COMMANDS_PER_REQUEST + 1;

  @Test
  void anAdmittedRequestCostsABoundedNumberOfRedisCommandsInThreeScripts() {
    Map<String, Long> calls = countAdmitted("dailyBudgetUsd: \"1000\"");
    assertBounded(calls, MAX_COMMANDS_PER_REQUEST);
  }

  @Test
  void aRateLimitAddsNoScriptToAnAdmittedRequest() {
    Map<String, Long> calls = countAdmitted("dailyBudgetUsd: \"1000\"", "rateLimit: { perMinute: 60000, burst: 1000 }");
    assertBounded(calls, MAX_COMMANDS_PER_REQUEST_RATE_LIMITED);
    assertTrue(calls.getOrDefault("set", 0L) >= REQUESTS, "a tat written per request, by reserve.lua: " + calls);
    // rate_limit.lua reads each bucket with GET: it no longer runs for an image request
    assertTrue(calls.getOrDefault("get", 0L) < REQUESTS / 10, "no separate rate-limit script: " + calls);
  }

  /** {@code INFO commandstats} over {@link #REQUESTS} admitted generates of a team of the YAML lines {@code teamYaml}. */
  private static Map<String, Long> countAdmitted(String... teamYaml) {
    try (RedisServer redis = RedisServer.startOwned();
        GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0))) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url).redis(redis.url())
          .team("counted", teamYaml).build());
      String key = TestConfig.clientKey("counted");
      RedisConnector stats = new RedisConnector(harness.clientVertx, RedisSettings.standalone(redis.url()));
      for (int i = 0; i < 3; i++) { // scripts loaded, pools open
        assertEquals(200, generate(harness, gateway, key, "warm " + i));
      }
      // Pollers that run whatever the traffic (the webhook delivery worker, the replica registry, the revocation
      // resync, the batch runner looking for open batches) are not request work: their rate is measured on the idle
      // replica first and subtracted for the time the requests took, as the MONITOR count subtracted
      // background traffic.
      // The warm-up's flushes are done, and with the idle measurement below the lane's first window is over: a
      // replica that has just started listening on a lane publishes every release for RedisPermitStore.CONTENDED_MS
      // (it may have missed an announcement, ARCHITECTURE.md §8).
      sleep(Math.max(1_500, RedisPermitStore.CONTENDED_MS + 500 - IDLE_MS));
      await(stats.send("CONFIG", "RESETSTAT"));
      long idleStart = System.nanoTime();
      sleep(IDLE_MS);
      Map<String, Long> idle = CommandStats.calls(stats);
      long idleNanos = System.nanoTime() - idleStart;
      await(stats.send("CONFIG", "RESETSTAT"));

      long start = System.nanoTime();
      for (int i = 0; i < REQUESTS; i++) {
        assertEquals(200, generate(harness, gateway, key, "a paper boat " + i));
      }
      Map<String, Long> gross = CommandStats.calls(stats);
      double busyOverIdle = (System.nanoTime() - start) / (double) idleNanos;

      Map<String, Long> calls = new TreeMap<>();
      gross.forEach((command, n) -> {
        long net = n - Math.round(idle.getOrDefault(command, 0L) * busyOverIdle);
        if (net > 0) {
          calls.put(command, net);
        }
      });
      for (String statsOwn : List.of("config|resetstat", "info")) {
        calls.remove(statsOwn);
      }
      System.out.println("before subtracting the idle pollers: " + gross);
      return calls;
    }
  }

  private static void assertBounded(Map<String, Long> calls, double maxCommandsPerRequest) {
    long total = calls.values().stream().mapToLong(Long::longValue).sum();
    long scripts = calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
    String detail = REQUESTS + " requests: " + calls;
    assertTrue(total <= maxCommandsPerRequest * REQUESTS,
        String.format("%.2f commands per request, at most %.0f: %s", total / (double) REQUESTS,
            maxCommandsPerRequest, detail));
    System.out.printf("redis work per admitted request: %.2f commands, %.2f scripts; %s%n",
        total / (double) REQUESTS, scripts / (double) REQUESTS, detail);
    assertTrue(scripts <= MAX_SCRIPTS_PER_REQUEST * REQUESTS,
        String.format("%.2f scripts per request, at most %.1f: %s", scripts / (double) REQUESTS,
            MAX_SCRIPTS_PER_REQUEST, detail));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static int generate(GatewayHarness harness, Gateway gateway, String key, String prompt) {
    return await(harness.http.postJson(gateway.port(), "/generate", key, Http.generate(prompt, "V_2", 1))).status();
  }

}
