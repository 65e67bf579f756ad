package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * {@code /health/live} and {@code /health/ready} against a real Redis this test stops and freezes: readiness goes
 * non-200 within a second when Redis is down or frozen, and while draining; liveness stays 200 throughout.
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

  @Test
  void readinessFailsWithinASecondWhileRedisIsDownAndLivenessStaysUp() {
    assertEquals(200, probe("/health/ready")[0]);
    assertEquals(200, probe("/health/live")[0]);
    redis.stop();
    long[] ready = probe("/health/ready");
    assertNotEquals(200, ready[0], "ready while Redis is down");
    assertTrue(ready[1] < 1_000, "readiness took " + ready[1] + " ms with Redis down");
    System.out.println("readiness answered " + ready[0] + " in " + ready[1] + " ms with Redis down");
    assertEquals(200, probe("/health/live")[0]);
    redis.restart();
    awaitStatus("/health/ready", 200, Duration.ofSeconds(10));
  }

  @Test
  void readinessFailsWithinASecondWhileRedisIsFrozen() {
    assertEquals(200, probe("/health/ready")[0]);
    redis.freeze();
    try {
      long[] ready = probe("/health/ready");
      assertNotEquals(200, ready[0], "ready while Redis is frozen");
      assertTrue(ready[1] < 1_000, "readiness took " + ready[1] + " ms with Redis frozen");
      System.out.println("readiness answered " + ready[0] + " in " + ready[1] + " ms with Redis frozen");
      assertEquals(200, probe("/health/live")[0]);
    } finally {
      redis.thaw();
    }
    awaitStatus("/health/ready", 200, Duration.ofSeconds(10));
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
