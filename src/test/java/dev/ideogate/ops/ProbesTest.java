package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/live} and {@code /health/ready} against a real Redis this test stops and freezes: readiness answers
 * within a second and stays 200 with Redis down or frozen, in both fail modes (ARCHITECTURE.md §7); it is 503 while
 * draining; liveness stays 200 throughout.
 */
class ProbesTest {
  private RedisServer redis;
  private OpsFixture fixture;
  private Gateway gateway;
  private String clientKey;

  @BeforeEach
  void start() {
    redis = RedisServer.startOwned();
    fixture = new OpsFixture();
    clientKey = fixture.newClientKey();
    gateway = fixture.startGateway(fixture.header(redis.url(), 2) + "teams:\n"
        + OpsFixture.team("alpha", fixture.newUpstreamKey("alpha"), "20", "allow", Map.of("alpha-app", clientKey)));
  }

  @AfterEach
  void stop() {
    fixture.close();
    redis.close();
  }

  private long[] probe(String path) {
    long started = System.nanoTime();
    HttpResponse<Buffer> response = fixture.management(gateway, path, null, null);
    return new long[] {response.statusCode(), (System.nanoTime() - started) / 1_000_000};
  }

  /**
   * Fail-closed (the default): Redis down does not take the replica out of the Service (ARCHITECTURE.md §7): the
   * probe answers 200 within a second and says the store is unreachable, and clients get the gateway's own 503
   * budget_store_unavailable with Retry-After rather than an ingress's bare 503.
   */
  @Test
  void failClosedStaysReadyWithinASecondWhileRedisIsDownAndAnswersRequestsWith503Json() {
    assertEquals(200, probe("/health/ready")[0]);
    redis.stop();
    long[] ready = probe("/health/ready");
    assertEquals(200, ready[0], "a Redis outage is shared by every replica: not a reason to leave the Service");
    assertTrue(ready[1] < 1_000, "readiness took " + ready[1] + " ms with Redis down");
    String body = fixture.management(gateway, "/health/ready", null, null).bodyAsString();
    assertTrue(body.contains("\"reachable\":false") && body.contains("\"failMode\":\"closed\""), body);
    HttpResponse<Buffer> refused = fixture.generate(gateway, clientKey, "V_2_TURBO");
    assertEquals(503, refused.statusCode());
    assertEquals("budget_store_unavailable", refused.bodyAsJsonObject().getString("code"));
    assertTrue(refused.getHeader("Retry-After") != null, "Retry-After on the gateway's 503");
    PrometheusText metrics = new PrometheusText(gateway.metrics().scrape());
    assertEquals(0.0, metrics.value("ideogate_budget_store_up"), "IdeogateBudgetStoreUnavailable's signal");
    assertEquals(200, probe("/health/live")[0]);
    redis.restart();
    awaitStatus("/health/ready", 200, Duration.ofSeconds(10));
  }

  @Test
  void readinessAnswersWithinASecondWhileRedisIsFrozen() {
    assertEquals(200, probe("/health/ready")[0]);
    redis.freeze();
    try {
      long[] ready = probe("/health/ready");
      assertEquals(200, ready[0], "ready while Redis is frozen");
      assertTrue(ready[1] < 1_000, "readiness took " + ready[1] + " ms with Redis frozen");
      assertEquals(200, probe("/health/live")[0]);
    } finally {
      redis.thaw();
    }
  }

  /** Fail-open: a Redis outage leaves the replica ready, so the local ledger can take over behind the Service. */
  @Test
  void failOpenStaysReadyAndServesWhileRedisIsDown() {
    fixture.close();
    fixture = new OpsFixture();
    clientKey = fixture.newClientKey();
    gateway = fixture.startGateway(fixture.header(redis.url(), 2)
        .replace("redis: { url: \"" + redis.url() + "\" }", "redis: { url: \"" + redis.url() + "\", failMode: open }")
        + "teams:\n"
        + OpsFixture.team("alpha", fixture.newUpstreamKey("alpha"), "20", "allow", Map.of("alpha-app", clientKey)));
    redis.stop();
    long[] ready = probe("/health/ready");
    assertEquals(200, ready[0]);
    assertTrue(ready[1] < 1_000, "readiness took " + ready[1] + " ms with Redis down");
    String body = fixture.management(gateway, "/health/ready", null, null).bodyAsString();
    assertTrue(body.contains("\"reachable\":false") && body.contains("\"failMode\":\"open\""), body);
    fixture.generate(gateway, clientKey, "V_2_TURBO"); // the reservation finds Redis down and falls back
    assertEquals(1.0, new PrometheusText(gateway.metrics().scrape()).value("ideogate_fail_open_active", "store", "budget"),
        "IdeogateFailOpenActive's signal");
    redis.restart();
  }

  @Test
  void readinessFailsWhileDrainingAndTheRequestInFlightFinishes() {
    fixture.simulator.configure(SimulatorKnobs.NONE.withLatencyMs(1_500L));
    Future<HttpResponse<Buffer>> inFlight = fixture.sendGenerate(gateway, clientKey, "V_2_TURBO", "a red kite");
    awaitInFlight();
    Future<Void> drained = gateway.drainAndStop(Duration.ofSeconds(10));
    HttpResponse<Buffer> ready = fixture.management(gateway, "/health/ready", null, null);
    assertEquals(503, ready.statusCode());
    assertTrue(ready.bodyAsString().contains("draining"), ready.bodyAsString());
    assertEquals(200, probe("/health/live")[0]);
    HttpResponse<Buffer> refused = fixture.generate(gateway, clientKey, "V_2_TURBO");
    assertEquals(503, refused.statusCode());
    assertEquals("shutting_down", refused.bodyAsJsonObject().getString("code"));
    assertEquals(200, Await.await(inFlight).statusCode(), "the request in flight finishes");
    Await.await(drained);
  }

  private void awaitInFlight() {
    Await.until("the request reaches the upstream", Duration.ofSeconds(10),
        () -> gateway.dispatcher().lanes().stream().mapToInt(l -> l.inFlight()).sum() > 0);
  }

  private void awaitStatus(String path, int status, Duration within) {
    Await.until(path + " returns to " + status, within, () -> probe(path)[0] == status);
  }

}
