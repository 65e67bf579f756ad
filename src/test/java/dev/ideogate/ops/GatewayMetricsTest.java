package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A mixed run against one gateway on a real Redis (3 successes, a 403, a 402, an upstream 429 retried then given
 * up, a 401), then {@code /metrics}: every ARCHITECTURE.md §9 series with its exact value, budgets as Redis has them (a
 * second replica on the same Redis reports the same figures and none of the first one's request counters), one
 * audit line per request, and no secret anywhere in the exposition or the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayMetricsTest {
  private final LogCapture logs = LogCapture.attach();
  private RedisServer redis;
  private OpsFixture fixture;
  private Gateway gateway;
  private Gateway replica;
  private String alphaKey;
  private String betaKey;
  private String gammaKey;
  private String alphaLane;
  private String gammaLane;
  private long alphaSpentMicroUsd;

  @BeforeAll
  void mixedRun() {
    redis = RedisServer.start();
    fixture = new OpsFixture();
    alphaKey = fixture.newClientKey();
    betaKey = fixture.newClientKey();
    gammaKey = fixture.newClientKey();
    String alphaUpstream = fixture.newUpstreamKey("alpha");
    String gammaUpstream = fixture.newUpstreamKey("gamma");
    alphaLane = KeyFingerprint.of(alphaUpstream);
    gammaLane = KeyFingerprint.of(gammaUpstream);
    String prefix = "ideogate-metrics-" + System.nanoTime();
    String yaml = fixture.header(redis.url(), 2).replace("redis: { url: \"" + redis.url() + "\" }",
        "redis: { url: \"" + redis.url() + "\", keyPrefix: " + prefix + " }")
        + "teams:\n"
        + OpsFixture.team("alpha", alphaUpstream, "20", "allow", Map.of("alpha-batch", alphaKey))
        + OpsFixture.team("beta", fixture.newUpstreamKey("beta"), "0.04", "allow", Map.of("beta-app", betaKey))
        + OpsFixture.team("gamma", gammaUpstream, "20", "allow", Map.of("gamma-app", gammaKey));
    gateway = fixture.startGateway(yaml);
    replica = fixture.startGateway(yaml);
    fixture.simulator.configure(gammaLane, SimulatorKnobs.NONE.withForce429Count(100));

    for (int i = 0; i < 3; i++) {
      var ok = fixture.generate(gateway, alphaKey, "V_2_TURBO");
      assertEquals(200, ok.statusCode(), ok.bodyAsString());
      alphaSpentMicroUsd += MicroUsd.parse(ok.getHeader("X-Ideogate-Cost-Usd"));
    }
    assertEquals(403, fixture.generate(gateway, alphaKey, "V_2A").statusCode());
    assertEquals(402, fixture.generate(gateway, betaKey, "V_2_TURBO").statusCode());
    var throttled = fixture.generate(gateway, gammaKey, "V_2_TURBO");
    assertEquals(429, throttled.statusCode(), throttled.bodyAsString());
    assertEquals("upstream_rate_limited", throttled.bodyAsJsonObject().getString("code"));
    assertEquals(401, fixture.generate(gateway, "igk_dev_unknownkeyunknownkeyunknownkey", "V_2_TURBO").statusCode());
    Await.await(gateway.budgetGauges().refresh());
    Await.await(replica.budgetGauges().refresh());
  }

  @AfterAll
  void stop() {
    fixture.close();
    redis.close();
    logs.close();
  }

  private PrometheusText scrape(Gateway target) {
    var response = fixture.management(target, "/metrics", null, null);
    assertEquals(200, response.statusCode());
    String text = response.bodyAsString();
    fixture.secrets.forEach(secret -> assertFalse(text.contains(secret), "a key appears in /metrics"));
    assertFalse(text.contains("igk_"), "a client key appears in /metrics");
    return new PrometheusText(text);
  }

  @Test
  void countsRequestsByTeamEndpointAndCode() {
    PrometheusText metrics = scrape(gateway);
    assertEquals(3.0, metrics.value("ideogate_requests_total", "team", "alpha", "endpoint", "generate", "code", "ok"));
    assertEquals(1.0, metrics.value("ideogate_requests_total", "team", "alpha", "endpoint", "generate",
        "code", "model_not_allowed"));
    assertEquals(1.0, metrics.value("ideogate_requests_total", "team", "beta", "endpoint", "generate",
        "code", "budget_exceeded"));
    assertEquals(1.0, metrics.value("ideogate_requests_total", "team", "gamma", "endpoint", "generate",
        "code", "upstream_rate_limited"));
    assertEquals(1.0, metrics.value("ideogate_requests_total", "team", "none", "endpoint", "generate",
        "code", "unauthenticated"));
    assertEquals(4.0, metrics.value("ideogate_request_duration_seconds_count", "team", "alpha", "endpoint", "generate"));
    assertTrue(metrics.value("ideogate_request_duration_seconds_bucket", "team", "alpha", "endpoint", "generate",
        "le", "+Inf") == 4.0, "request duration is a histogram with buckets");
  }

  @Test
  void countsUpstreamResponsesRetriesAndQueueWaits() {
    PrometheusText metrics = scrape(gateway);
    assertEquals(3.0, metrics.value("ideogate_upstream_responses_total", "lane", alphaLane, "status", "200"));
    assertEquals(2.0, metrics.value("ideogate_upstream_responses_total", "lane", gammaLane, "status", "429"));
    assertEquals(1.0, metrics.value("ideogate_upstream_retries_total", "lane", gammaLane));
    assertNull(metrics.value("ideogate_upstream_retries_total", "lane", alphaLane));
    assertEquals(3.0, metrics.value("ideogate_queue_wait_seconds_count", "team", "alpha"));
    assertEquals(1.0, metrics.value("ideogate_queue_wait_seconds_count", "team", "gamma"));
    assertEquals(3.0, metrics.value("ideogate_queue_wait_seconds_bucket", "team", "alpha", "le", "+Inf"));
  }

  @Test
  void showsLaneGauges() {
    // the lane gauges show the permit store's cluster-wide figures as of its last poll: wait for the one after the 429s
    Await.until("the lane gauge shows gamma's lowered limit", Duration.ofSeconds(10),
        () -> scrape(gateway).value("ideogate_lane_limit", "lane", gammaLane) < 10);
    PrometheusText metrics = scrape(gateway);
    assertEquals(0.0, metrics.value("ideogate_upstream_inflight", "lane", alphaLane));
    assertEquals(10.0, metrics.value("ideogate_lane_limit", "lane", alphaLane));
    double gammaLimit = metrics.value("ideogate_lane_limit", "lane", gammaLane);
    assertTrue(gammaLimit >= 1 && gammaLimit < 10, "two 429s lower the lane's limit (AIMD), got " + gammaLimit);
    assertEquals(0.0, metrics.value("ideogate_queue_depth", "lane", alphaLane, "team", "alpha"));
    assertEquals(0.0, metrics.value("ideogate_queue_depth", "lane", gammaLane, "team", "gamma"));
  }

  @Test
  void showsBudgetsAsRedisHasThemOnEveryReplica() {
    for (Gateway target : List.of(gateway, replica)) {
      PrometheusText metrics = scrape(target);
      assertEquals(150_000, alphaSpentMicroUsd, "3 × V_2_TURBO at 0.05");
      assertEquals(0.15, metrics.value("ideogate_budget_spent_usd", "team", "alpha", "window", "day"), 1e-9);
      assertEquals(0.15, metrics.value("ideogate_budget_spent_usd", "team", "alpha", "window", "month"), 1e-9);
      assertEquals(20.0, metrics.value("ideogate_budget_limit_usd", "team", "alpha", "window", "day"));
      assertEquals(0.04, metrics.value("ideogate_budget_limit_usd", "team", "beta", "window", "day"), 1e-9);
      assertEquals(0.0, metrics.value("ideogate_budget_spent_usd", "team", "gamma", "window", "day"),
          "an upstream 429 given up on is released, not charged");
      assertEquals(0.0, metrics.value("ideogate_budget_held_usd", "team", "alpha"));
      assertEquals(0.0, metrics.value("ideogate_holds_expired_total", "team", "alpha"));
    }
    PrometheusText replicaMetrics = scrape(replica);
    assertNull(replicaMetrics.value("ideogate_requests_total", "team", "alpha", "endpoint", "generate", "code", "ok"),
        "each gateway has its own registry");
  }

  @Test
  void writesOneAuditLinePerRequestWithoutThePrompt() {
    List<JsonObject> audit = logs.audit().stream()
        .filter(line -> line.getString("action", "").startsWith("images.")).toList();
    assertEquals(7, audit.size(), "3 ok, 403, 402, 429, 401");
    JsonObject ok = audit.get(0);
    assertEquals("images.generate", ok.getString("action"));
    assertEquals("alpha", ok.getString("team"));
    assertEquals("alpha-batch", ok.getString("client_key_id"));
    assertEquals("generate", ok.getString("endpoint"));
    assertEquals("V_2_TURBO", ok.getString("model"));
    assertEquals(1, ok.getInteger("images"));
    assertEquals("success", ok.getString("result"));
    assertEquals("ok", ok.getString("code"));
    assertEquals("0.05", ok.getString("cost_usd"));
    assertEquals(200, ok.getInteger("upstream_status"));
    assertTrue(ok.getLong("queue_wait_ms") >= 0);
    assertTrue(ok.getLong("duration_ms") >= 0);
    assertEquals("a lighthouse at dawn, flat vector poster".length(), ok.getInteger("prompt_length"));
    assertEquals(AuditLog.sha256("a lighthouse at dawn, flat vector poster"), ok.getString("prompt_sha256"));
    assertFalse(ok.containsKey("prompt"));
    assertTrue(ok.getString("request_id").length() > 0);
    assertTrue(ok.containsKey("time"));
    JsonObject refused = audit.stream().filter(l -> "budget_exceeded".equals(l.getString("code"))).findFirst()
        .orElseThrow();
    assertEquals("error", refused.getString("result"));
    assertEquals("beta", refused.getString("team"));
    assertEquals("0.00", refused.getString("cost_usd"));
  }

  @Test
  void showsUpstreamLatencySpendBuildInfoRedisScriptsAndTheJvm() {
    PrometheusText metrics = scrape(gateway);
    assertEquals(3.0, metrics.value("ideogate_upstream_duration_seconds_count", "endpoint", "generate",
        "status", "200"));
    assertEquals(2.0, metrics.value("ideogate_upstream_duration_seconds_count", "endpoint", "generate",
        "status", "429"));
    assertEquals(0.15, metrics.value("ideogate_spend_usd_total", "team", "alpha", "model", "V_2_TURBO"), 1e-9);
    assertNull(metrics.value("ideogate_spend_usd_total", "team", "beta", "model", "V_2_TURBO"), "402: nothing spent");
    BuildInfo build = BuildInfo.current();
    assertTrue(build.version().matches("\\d+\\.\\d+\\.\\d+.*"), "version from the pom: " + build.version());
    assertTrue(build.commit().matches("[0-9a-f]{40}|unknown"), "commit: " + build.commit());
    assertEquals(1.0, metrics.value("ideogate_build_info", "version", build.version(), "commit", build.commit()));
    assertTrue(metrics.value("ideogate_redis_script_duration_seconds_count", "script", "reserve") >= 4.0,
        "every reservation is a Redis script call");
    assertEquals(1.0, metrics.value("ideogate_config_last_reload_successful"));
    assertEquals(0.0, metrics.value("ideogate_webhook_dead_letters_total"));
    assertEquals(0.0, metrics.value("ideogate_webhook_deliveries_total", "outcome", "delivered"));
    assertTrue(metrics.value("jvm_memory_used_bytes", "area", "heap", "id", "G1 Eden Space") != null
        || scrapeText(gateway).contains("jvm_memory_used_bytes{area=\"heap\""), "JVM memory binder");
    assertTrue(scrapeText(gateway).contains("jvm_gc_"), "GC binder");
    assertTrue(scrapeText(gateway).contains("process_cpu_usage"), "process binder");
    assertTrue(scrapeText(gateway).contains("process_uptime_seconds"), "uptime binder");
  }

  /**
   * Prometheus conventions over the whole exposition: snake_case names, counters end in {@code _total}, times are
   * in seconds (never ms), and every histogram has at most 15 finite buckets.
   */
  @Test
  void namesFollowPrometheusConventionsAndHistogramsAreBounded() {
    String text = scrapeText(gateway);
    Map<String, String> types = new java.util.TreeMap<>();
    Map<String, Integer> bucketsPerSeries = new java.util.HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
        continue;
      }
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String name = line.split("[{ ]", 2)[0];
      assertTrue(name.matches("[a-z][a-z0-9_]*"), "not snake_case: " + name);
      assertFalse(name.matches(".*_(ms|millis|milliseconds|micros|nanos)(_.*)?"), "not a base unit: " + name);
      if (name.endsWith("_bucket") && !line.contains("le=\"+Inf\"")) {
        bucketsPerSeries.merge(line.replaceAll(",?le=\"[^\"]*\"", "").replaceAll(" \\S+$", ""), 1,
            Integer::sum);
      }
    }
    assertTrue(types.size() > 30, "JVM, process and gateway metrics: " + types.keySet());
    types.forEach((family, type) -> {
      if (type.equals("counter")) {
        assertTrue(text.contains("\n" + (family.endsWith("_total") ? family : family + "_total")),
            "counter " + family + " without _total samples");
      }
      if (type.equals("histogram") && family.startsWith("ideogate_")) {
        assertTrue(family.endsWith("_seconds"), "histogram not in seconds: " + family);
      }
    });
    assertFalse(bucketsPerSeries.isEmpty());
    bucketsPerSeries.forEach((series, buckets) ->
        assertTrue(buckets <= 15, series + " has " + buckets + " buckets"));
  }

  private String scrapeText(Gateway target) {
    return fixture.management(target, "/metrics", null, null).bodyAsString();
  }

  @Test
  void logsNoSecret() {
    logs.assertNoSecrets(fixture.secrets);
  }
}
