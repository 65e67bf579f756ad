package dev.ideogate.tracing;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ideogate.Gateway;
import dev.ideogate.ops.LogCapture;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.TestConfig;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One request through a real gateway and the simulator over loopback HTTP, traced with the SDK's in-memory
 * exporter (ARCHITECTURE.md §9): the caller's {@code traceparent} is continued, the five phase spans hang under the
 * server span with team, endpoint, model and status, no key or prompt is in any attribute, Ideogram receives the
 * same trace and the request id, and log lines carry the trace id.
 */
class RequestTracingTest {
  private static final String TEAM = "traced";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String PROMPT = "a lighthouse in a storm";
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static GatewayHarness harness;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    harness = GatewayHarness.fastSimulator();
    gateway = harness.start(TestConfig.upstream(harness.simulator.baseUrl()).team(TEAM, "contentPolicy: permissive")
        .build(), Gateway.Options.defaults().withTracing(Tracing.exportingTo(SPANS, "ideogate-test")));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void clearSpans() {
    SPANS.reset();
  }

  private static Http.Reply generate(String requestId, String traceparent) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Api-Key", TestConfig.clientKey(TEAM));
    headers.put("X-Request-Id", requestId);
    if (traceparent != null) {
      headers.put("traceparent", traceparent);
      headers.put("tracestate", "caller=1");
    }
    return await(harness.http.send(HttpMethod.POST, gateway.port(), "/generate", headers,
        Buffer.buffer(Http.generate(PROMPT, "V_2_TURBO", 1))));
  }

  @Test
  void oneRequestShowsTheFivePhasesUnderTheServerSpanThatContinuesTheCallersTrace() {
    Http.Reply reply = generate("trace-req-1", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
    assertEquals(200, reply.status(), reply::toString);

    SpanData server = awaitSpan(s -> s.getKind() == SpanKind.SERVER);
    assertEquals(TRACE_ID, server.getTraceId(), "the server span continues the caller's trace");
    assertEquals(CALLER_SPAN, server.getParentSpanId(), "the server span's parent is the caller's span");
    assertEquals("POST /generate", server.getName());
    assertEquals(200L, server.getAttributes().get(RequestTrace.HTTP_STATUS));
    assertEquals(TEAM, server.getAttributes().get(RequestTrace.TEAM));
    assertEquals("V_2_TURBO", server.getAttributes().get(RequestTrace.MODEL));
    assertEquals("trace-req-1", server.getAttributes().get(RequestTrace.REQUEST_ID));

    List<String> phases = List.of(RequestTrace.AUTH_POLICY, RequestTrace.RESERVE, RequestTrace.QUEUE_WAIT,
        RequestTrace.UPSTREAM, RequestTrace.SETTLE);
    Map<String, SpanData> byName = new LinkedHashMap<>();
    for (String phase : phases) {
      SpanData span = awaitSpan(s -> s.getName().equals(phase));
      byName.put(phase, span);
      assertEquals(TRACE_ID, span.getTraceId(), phase);
      assertEquals(server.getSpanId(), span.getParentSpanId(), phase + " is a child of the server span");
      assertEquals(TEAM, span.getAttributes().get(RequestTrace.TEAM), phase);
      assertEquals("/generate", span.getAttributes().get(RequestTrace.ENDPOINT), phase);
      assertEquals("V_2_TURBO", span.getAttributes().get(RequestTrace.MODEL), phase);
    }
    SpanData upstream = byName.get(RequestTrace.UPSTREAM);
    assertEquals(SpanKind.CLIENT, upstream.getKind());
    assertEquals(200L, upstream.getAttributes().get(RequestTrace.HTTP_STATUS));
    assertTrue(byName.get(RequestTrace.RESERVE).getEndEpochNanos() <= byName.get(RequestTrace.SETTLE).getStartEpochNanos(),
        "reserve ends before settle starts");

    List<String> forbidden = List.of(TestConfig.clientKey(TEAM), TestConfig.upstreamKey(TEAM), PROMPT);
    for (SpanData span : SPANS.getFinishedSpanItems()) {
      span.getAttributes().forEach((key, value) -> forbidden.forEach(secret -> assertTrue(
          !String.valueOf(value).contains(secret), span.getName() + " attribute " + key + " carries a key or prompt")));
    }

    SimulatorStats stats = harness.statsFor(TEAM);
    assertEquals("00-" + TRACE_ID + "-" + upstream.getSpanId() + "-01", stats.lastTraceparent(),
        "Ideogram sees the same trace, with the upstream span as its parent");
    assertEquals("trace-req-1", stats.lastRequestId(), "X-Request-Id is forwarded to Ideogram");
  }

  @Test
  void everyLogAndAuditLineOfARequestCarriesItsTraceId() {
    try (LogCapture logs = LogCapture.attach()) {
      generate("trace-log-1", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
      generate("trace-log-2", null); // same connection, no traceparent: a fresh trace, never the previous one
      JsonObject first = awaitAudit(logs, "trace-log-1");
      SpanData server = awaitSpan(s -> s.getKind() == SpanKind.SERVER && TRACE_ID.equals(s.getTraceId()));
      assertEquals(TRACE_ID, first.getString(TraceLogFields.TRACE_ID), first::encode);
      assertEquals(server.getSpanId(), first.getString(TraceLogFields.SPAN_ID), first::encode);

      JsonObject second = awaitAudit(logs, "trace-log-2");
      String freshTrace = second.getString(TraceLogFields.TRACE_ID);
      assertNotNull(freshTrace, second::encode);
      assertTrue(freshTrace.matches("[0-9a-f]{32}"), freshTrace);
      assertNotEquals(TRACE_ID, freshTrace, "a request without traceparent starts its own trace");
    }
  }

  @Test
  void withTracingOffTheCallersTraceStillReachesIdeogram() {
    Gateway untraced = harness.start(TestConfig.upstream(harness.simulator.baseUrl())
        .team(TEAM, "contentPolicy: permissive").build(), Gateway.Options.defaults());
    Map<String, String> headers = Map.of("Content-Type", "application/json", "Api-Key", TestConfig.clientKey(TEAM),
        "X-Request-Id", "trace-off-1", "traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
    Http.Reply reply = await(harness.http.send(HttpMethod.POST, untraced.port(), "/generate", headers,
        Buffer.buffer(Http.generate(PROMPT, "V_2_TURBO", 1))));

    assertEquals(200, reply.status(), reply::toString);
    SimulatorStats stats = harness.statsFor(TEAM);
    assertTrue(stats.lastTraceparent().matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01"), stats.lastTraceparent());
    assertEquals("trace-off-1", stats.lastRequestId());
    assertTrue(SPANS.getFinishedSpanItems().stream().noneMatch(s -> s.getAttributes().asMap().containsValue(
        "trace-off-1")), "the untraced gateway exported nothing to another gateway's exporter");

    try (LogCapture logs = LogCapture.attach()) { // no traceparent either: the gateway still starts a trace
      Map<String, String> plain = new LinkedHashMap<>(headers);
      plain.remove("traceparent");
      plain.put("X-Request-Id", "trace-off-2");
      assertEquals(200, await(harness.http.send(HttpMethod.POST, untraced.port(), "/generate", plain,
          Buffer.buffer(Http.generate(PROMPT, "V_2_TURBO", 1)))).status());
      String traceId = awaitAudit(logs, "trace-off-2").getString(TraceLogFields.TRACE_ID);
      assertNotNull(traceId, "the audit line of an untraced gateway carries a trace id");
      assertTrue(traceId.matches("[0-9a-f]{32}") && !traceId.matches("0+"), traceId);
      assertTrue(harness.statsFor(TEAM).lastTraceparent().startsWith("00-" + traceId + "-"),
          "Ideogram sees the trace id the logs show: " + harness.statsFor(TEAM).lastTraceparent());
    }
  }

  private static JsonObject awaitAudit(LogCapture logs, String requestId) {
    return awaitValue(() -> logs.audit().stream().filter(line -> requestId.equals(line.getString("request_id")))
        .findFirst(), "the audit line of " + requestId);
  }

  private static SpanData awaitSpan(java.util.function.Predicate<SpanData> match) {
    return awaitValue(() -> SPANS.getFinishedSpanItems().stream().filter(match).findFirst(), "a matching span");
  }

  /** The server span and the audit line are written when the response has ended, just after the client has it. */
  private static <T> T awaitValue(Supplier<Optional<T>> probe, String what) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return fail("no " + what + " within 10 s; spans: " + SPANS.getFinishedSpanItems());
  }
}
