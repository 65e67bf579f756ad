package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real shutdown path: {@code ideogate serve --config …} in a child JVM against an in-test simulator with
 * latency, 200 requests in flight or queued, then SIGTERM ({@link Process#destroy()} on Linux). Every request
 * completes with 200, readiness turns non-200 while draining, and the process exits 0 within the grace period.
 */
class DrainSubprocessTest {
  private static final int REQUESTS = 200;
  private static final int TEAMS = 4;
  private static final long GRACE_S = 20;

  @TempDir Path dir;

  @Test
  void drainsTwoHundredRequestsOnSigtermAndExitsZero() throws Exception {
    try (OpsFixture fixture = new OpsFixture()) {
      fixture.simulator.configure(SimulatorKnobs.NONE.withLatencyMs(1_000L));
      int port = freePort();
      int managementPort = freePort();
      StringBuilder yaml = new StringBuilder("""
          environment: dev
          server: { host: 127.0.0.1, port: %d, managementPort: %d, drainGrace: %ds }
          upstream: { baseUrl: %s, maxInFlightPerKey: 10, timeout: 10s }
          teams:
          """.formatted(port, managementPort, GRACE_S, fixture.simulator.baseUrl()));
      List<String> keys = new ArrayList<>();
      for (int t = 0; t < TEAMS; t++) {
        String key = fixture.newClientKey();
        keys.add(key);
        yaml.append(OpsFixture.team("team" + t, fixture.newUpstreamKey("team" + t), "1000", "allow",
            Map.of("team" + t + "-app", key)));
      }
      Path config = dir.resolve("ideogate.yaml");
      Files.writeString(config, yaml);
      Path output = dir.resolve("gateway.log");
      Process gateway = new ProcessBuilder(javaCommand(config)).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      try {
        awaitReady(fixture, managementPort, gateway, output);
        WebClient client = WebClient.create(fixture.vertx, new WebClientOptions(),
            new PoolOptions().setHttp1MaxSize(REQUESTS + 10));
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
          sent.add(client.post(port, "127.0.0.1", "/generate")
              .putHeader("Api-Key", keys.get(i % TEAMS))
              .sendJsonObject(new io.vertx.core.json.JsonObject().put("image_request",
                  new io.vertx.core.json.JsonObject().put("prompt", "poster " + i).put("model", "V_2_TURBO"))));
        }
        int open = awaitAccepted(fixture, managementPort, sent);
        long signalled = System.nanoTime();
        gateway.destroy(); // SIGTERM
        awaitNotReady(fixture, managementPort);
        long notReadyMs = (System.nanoTime() - signalled) / 1_000_000;

        int ok = 0;
        for (Future<HttpResponse<Buffer>> response : sent) {
          HttpResponse<Buffer> answered = Await.await(response);
          assertEquals(200, answered.statusCode(), answered.bodyAsString());
          ok++;
        }
        assertTrue(gateway.waitFor(GRACE_S, TimeUnit.SECONDS), "the gateway did not exit within the grace period");
        long exitMs = (System.nanoTime() - signalled) / 1_000_000;
        assertEquals(0, gateway.exitValue(), "exit status; output:\n" + Files.readString(output));
        assertEquals(REQUESTS, ok);
        System.out.println("SIGTERM with " + open + " requests held by the gateway; all " + ok
            + " answered 200; not ready after " + notReadyMs + " ms; exit 0 " + exitMs + " ms after SIGTERM");
        String log = Files.readString(output);
        fixture.secrets.forEach(secret -> assertFalse(log.contains(secret), "a secret in the gateway's output"));
        // The production log pipeline (logback.xml: a ring buffer, stdout written a batch at a time) loses no audit
        // line at shutdown: one per request, each a whole JSON line, the last written before the process exited.
        List<JsonObject> audit = log.lines().filter(line -> line.contains("\"logger\":\"audit\""))
            .map(JsonObject::new).toList();
        assertEquals(REQUESTS, audit.stream().filter(line -> "images.generate".equals(line.getString("action"))
            && "success".equals(line.getString("result"))).count(), "audit lines of the served requests");
        assertTrue(log.lines().anyMatch(line -> line.contains("ideogate stopped")), "the last line is on stdout");
      } finally {
        gateway.destroyForcibly();
      }
    }
  }

  private static List<String> javaCommand(Path config) {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The production logging config, not the test suite's (first on this classpath): stdout is what is checked, and
    // the suite's config shows only WARN and above there.
    String logging = Path.of("target", "classes", "logback.xml").toAbsolutePath().toString();
    return List.of(java, "-Xmx256m", "-Dlogback.configurationFile=" + logging, "-cp", classpath,
        "dev.ideogate.cli.Main", "serve", "--config", config.toString());
  }

  private static void awaitReady(OpsFixture fixture, int managementPort, Process gateway, Path output)
      throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      assertTrue(gateway.isAlive(), "the gateway exited: " + Files.readString(output));
      try {
        if (fixture.client.get(managementPort, "127.0.0.1", "/health/ready").send()
            .await(2, TimeUnit.SECONDS).statusCode() == 200) {
          return;
        }
      } catch (Exception notYet) {
        // not listening yet
      }
      assertTrue(System.currentTimeMillis() < deadline, "the gateway never became ready: " + Files.readString(output));
      Thread.sleep(100);
    }
  }

  /**
   * Waits until the gateway holds every request not yet answered (queued or in flight, read from its /metrics),
   * with more than the lanes' 40 slots among them so that some are queued. Returns how many it holds.
   */
  private static int awaitAccepted(OpsFixture fixture, int managementPort, List<Future<HttpResponse<Buffer>>> sent)
      throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      String text = fixture.client.get(managementPort, "127.0.0.1", "/metrics").send().await(5, TimeUnit.SECONDS)
          .bodyAsString();
      int held = (int) text.lines()
          .filter(l -> l.startsWith("ideogate_upstream_inflight{") || l.startsWith("ideogate_queue_depth{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      int open = REQUESTS - completed(sent);
      if (held == open && held > TEAMS * 10) {
        return held;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the gateway never held all open requests with some queued");
  }

  /** The signal is handled asynchronously: readiness must turn 503 (draining) within 2 s of it. */
  private static void awaitNotReady(OpsFixture fixture, int managementPort) throws Exception {
    long deadline = System.currentTimeMillis() + 2_000;
    while (true) {
      HttpResponse<Buffer> ready = Await.await(fixture.client.get(managementPort, "127.0.0.1", "/health/ready")
          .send());
      if (ready.statusCode() == 503) {
        assertTrue(ready.bodyAsString().contains("draining"), ready.bodyAsString());
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, "still ready 2 s after SIGTERM: " + ready.bodyAsString());
      Thread.sleep(10);
    }
  }

  private static int completed(List<Future<HttpResponse<Buffer>>> sent) {
    return (int) sent.stream().filter(Future::isComplete).count();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
