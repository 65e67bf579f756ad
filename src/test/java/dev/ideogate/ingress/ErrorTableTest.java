package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every row of the ARCHITECTURE.md §6 table that a single replica can produce, through real HTTP: status, code, a message a
 * user can act on, and Retry-After where the table demands it. (rate_limited lives with the security tests, the
 * Redis outage with the Redis ledger tests.)
 */
class ErrorTableTest {
  private static GatewayHarness harness;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0).withAccounts(List.of(
        SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("errs")),
        SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("poor")),
        SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("picky")),
        SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("narrow")),
        SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("slow")),
        SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("throttled")),
        SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("broken")),
        new SimulatorOptions.Account(TestConfig.upstreamKey("nocredit"), 10_000L, 10))));
    gateway = harness.start(url -> TestConfig.upstream(url)
        .server("maxBodyBytes: 4096", "maxFileBytes: 4096", "requestReadTimeout: 1s")
        .upstreamSettings("timeout: 1200ms", "retry: { maxAttempts: 2, baseDelay: 10ms, maxDelay: 50ms }") // 504 at 2 s, and 400 ms calls on a loaded machine pass
        .team("errs")
        .team("poor", "dailyBudgetUsd: \"0.04\"")
        .team("picky", "allowedModels: [V_2]", "allowedStyles: [DESIGN]")
        .team("narrow", "clientKeyScopes: [images:generate]")
        .team("slow", "maxConcurrency: 1", "maxQueued: 1", "maxQueueWait: 300ms")
        .team("throttled")
        .team("broken")
        .team("nocredit")
        .team("strangers") // its upstream key is not an account of the simulator
        .build());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static Reply generate(String team, String body) {
    return await(harness.http.postJson(gateway.port(), "/generate", TestConfig.clientKey(team), body));
  }

  private static void assertError(Reply reply, int status, String code, String messagePart) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(code, reply.code(), reply.toString());
    String message = reply.json().getString("error");
    assertNotNull(message);
    assertTrue(message.contains(messagePart), "message '" + message + "' should mention '" + messagePart + "'");
    assertNotNull(reply.json().getString("request_id"));
    if (status == 429 || status == 503) {
      assertNotNull(reply.header("Retry-After"), "Retry-After on " + status);
      assertTrue(Long.parseLong(reply.header("Retry-After")) >= 1);
      assertEquals(Long.parseLong(reply.header("Retry-After")), reply.json().getLong("retry_after_s"));
    }
  }

  @Test
  void invalidFieldsAndMalformedBodiesAre400() {
    assertError(generate("errs", Http.generate("a cat", "V_2", 9)), 400, "invalid_request", "num_images");
    assertError(generate("errs", "{\"image_request\": {\"prompt\": "), 400, "invalid_request", "JSON");
    assertError(generate("errs", "{\"image_request\": {\"model\": \"V_2\"}}"), 400, "invalid_request", "prompt");
    assertError(generate("errs", "{\"image_request\": {\"prompt\": \"x\", \"model\": \"V_9\"}}"), 400,
        "invalid_request", "model");
  }

  @Test
  void missingOrUnknownKeysAre401WithoutSayingWhich() {
    Reply none = await(harness.http.postJson(gateway.port(), "/generate", null, Http.generate("a", "V_2", 1)));
    Reply unknown = await(harness.http.postJson(gateway.port(), "/generate", "igk_dev_nobody_xxxxxxxxxxxxxxxx",
        Http.generate("a", "V_2", 1)));
    assertError(none, 401, "unauthenticated", "API key");
    assertError(unknown, 401, "unauthenticated", "API key");
    assertEquals(none.json().getString("error"), unknown.json().getString("error"), "same message for both");
  }

  @Test
  void budgetRefusalNamesWindowRemainingAndNeeded() {
    Reply reply = generate("poor", Http.generate("a lamp", "V_2_TURBO", 1));
    assertError(reply, 402, "budget_exceeded", "0.05");
    assertTrue(reply.json().getString("error").contains("0.04"), reply.toString());
    assertEquals(0, harness.statsFor("poor").requests(), "nothing sent upstream");
  }

  @Test
  void upstreamOutOfCreditsIs402UpstreamInsufficientCredits() {
    assertError(generate("nocredit", Http.generate("a lamp", "V_2", 1)), 402, "upstream_insufficient_credits",
        "credits");
  }

  @Test
  void scopeModelAndStyleRefusalsAre403() {
    Buffer form = Buffer.buffer("--b\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"a.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n").appendBuffer(Http.png()).appendString("\r\n--b--\r\n");
    Reply scope = await(harness.http.send(HttpMethod.POST, gateway.port(), "/describe",
        Map.of("Api-Key", TestConfig.clientKey("narrow"), "Content-Type", "multipart/form-data; boundary=b"), form));
    assertError(scope, 403, "scope_denied", "images:describe");
    assertError(generate("picky", Http.generate("a lamp", "V_2_TURBO", 1)), 403, "model_not_allowed", "V_2_TURBO");
    assertError(generate("picky", "{\"image_request\":{\"prompt\":\"a lamp\",\"model\":\"V_2\",\"style_type\":\"ANIME\"}}"),
        403, "style_not_allowed", "ANIME");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405WithAllow() {
    Reply notFound = await(harness.http.get(gateway.port(), "/v2/image/generate/ideogram-4-5", null));
    assertError(notFound, 404, "not_found", "/v2/image/generate");
    Reply wrongMethod = await(harness.http.get(gateway.port(), "/generate", TestConfig.clientKey("errs")));
    assertError(wrongMethod, 405, "method_not_allowed", "POST");
    assertEquals("POST", wrongMethod.header("Allow"));
  }

  @Test
  void slowBodyIs408AndOversizedBodyIs413AndWrongTypeIs415() {
    NetClient net = harness.clientVertx.createNetClient();
    NetSocket socket = await(net.connect(gateway.port(), "127.0.0.1"));
    Buffer received = Buffer.buffer();
    socket.handler(received::appendBuffer);
    long started = System.currentTimeMillis();
    socket.write("POST /generate HTTP/1.1\r\nHost: x\r\nApi-Key: " + TestConfig.clientKey("errs")
        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"image_request\"");
    await(Future.future(p -> socket.closeHandler(v -> p.complete())));
    assertTrue(received.toString().startsWith("HTTP/1.1 408"), received.toString());
    assertTrue(received.toString().contains("\"request_timeout\""), received.toString());
    assertTrue(System.currentTimeMillis() - started < 5_000, "cut off after the 1 s read timeout");
    net.close();

    String big = Http.generate("x".repeat(5000), "V_2", 1);
    assertError(generate("errs", big), 413, "payload_too_large", "4096");
    Reply wrongType = await(harness.http.send(HttpMethod.POST, gateway.port(), "/generate",
        Map.of("Api-Key", TestConfig.clientKey("errs"), "Content-Type", "text/plain"), Buffer.buffer("hello")));
    assertError(wrongType, 415, "unsupported_media_type", "application/json");
  }

  @Test
  void overlongUriIs414AndHugeHeadersAre431() {
    Reply uri = await(harness.http.get(gateway.port(), "/" + "a".repeat(10_000), null));
    assertEquals(414, uri.status(), uri.toString());
    assertEquals("uri_too_long", uri.code());
    Reply headers = await(harness.http.send(HttpMethod.GET, gateway.port(), "/v1/usage",
        Map.of("X-Padding", "p".repeat(20_000)), null));
    assertEquals(431, headers.status(), headers.toString());
    assertEquals("headers_too_large", headers.code());
  }

  @Test
  void contentPolicyAndUpstreamSafetyAre422() {
    assertError(generate("errs", Http.generate("nike running shoes", "V_2", 1)), 422, "content_blocked", "strict");
    assertError(generate("errs", Http.generate("a simulator-unsafe scene", "V_2", 1)), 422,
        "upstream_safety_rejected", "safety");
  }

  @Test
  void queueBoundsAre429WithRetryAfter() {
    harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey("slow")),
        SimulatorKnobs.NONE.withLatencyMs(400L));
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      replies.add(harness.http.postJson(gateway.port(), "/generate", TestConfig.clientKey("slow"),
          Http.generate("a slow lamp", "V_2", 1)));
    }
    List<Reply> done = replies.stream().map(f -> await(f)).toList();
    long ok = done.stream().filter(r -> r.status() == 200).count();
    long full = done.stream().filter(r -> "queue_full".equals(r.code())).count();
    long timedOut = done.stream().filter(r -> "queue_timeout".equals(r.code())).count();
    assertEquals(1, ok, done.toString());
    assertEquals(2, full, "maxQueued 1 leaves room for one waiter: " + done);
    assertEquals(1, timedOut, "the waiter gives up after 300 ms: " + done);
    done.stream().filter(r -> r.status() == 429).forEach(r -> assertError(r, 429, r.code(), "retry after"));
    harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey("slow")), null);
  }

  @Test
  void persistentUpstream429sBecomeUpstreamRateLimited() {
    String fp = KeyFingerprint.of(TestConfig.upstreamKey("throttled"));
    harness.simulator.configure(fp, SimulatorKnobs.NONE.withForce429Count(1_000));
    Reply reply = generate("throttled", Http.generate("a lamp", "V_2", 1));
    assertError(reply, 429, "upstream_rate_limited", "2 attempts");
    assertEquals(2, harness.simulator.stats(fp).rejected429(), "maxAttempts 2: tried exactly twice");
    harness.simulator.configure(fp, null);
  }

  @Test
  void upstreamAuthFailureAnd5xxAre502() {
    assertError(generate("strangers", Http.generate("a lamp", "V_2", 1)), 502, "upstream_auth_failed", "operator");
    String fp = KeyFingerprint.of(TestConfig.upstreamKey("broken"));
    harness.simulator.configure(fp, SimulatorKnobs.NONE.withErrorRate5xx(1.0));
    assertError(generate("broken", Http.generate("a lamp", "V_2", 1)), 502, "upstream_error", "500");
    harness.simulator.configure(fp, null);
  }

  @Test
  void upstreamSlowerThanTimeoutIs504() {
    String fp = KeyFingerprint.of(TestConfig.upstreamKey("errs"));
    harness.simulator.configure(fp, SimulatorKnobs.NONE.withLatencyMs(2_000L));
    try {
      assertError(generate("errs", Http.generate("a lamp", "V_2", 1)), 504, "upstream_timeout", "timeout");
    } finally {
      harness.simulator.configure(fp, null);
    }
  }

  @Test
  void drainingReplicaAnswers503ShuttingDownWhileFinishingInFlightWork() {
    Gateway draining = harness.start(url -> TestConfig.upstream(url).team("errs").build());
    String fp = KeyFingerprint.of(TestConfig.upstreamKey("errs"));
    harness.simulator.configure(fp, SimulatorKnobs.NONE.withLatencyMs(300L));
    try {
      Future<Reply> inFlight = harness.http.postJson(draining.port(), "/generate", TestConfig.clientKey("errs"),
          Http.generate("a lamp", "V_2", 1));
      Await.until("the first request is in flight on this replica",
          () -> draining.dispatcher().lanes().stream().mapToInt(l -> l.inFlight()).sum() == 1);
      Future<Void> stopped = draining.drainAndStop(Duration.ofSeconds(5));
      Reply refused = await(harness.http.postJson(draining.port(), "/generate", TestConfig.clientKey("errs"),
          Http.generate("a lamp", "V_2", 1)));
      assertError(refused, 503, "shutting_down", "shutting down");
      assertEquals(200, await(inFlight).status(), "in-flight work finishes during the drain");
      await(stopped);
    } finally {
      harness.simulator.configure(fp, null);
    }
  }
}
