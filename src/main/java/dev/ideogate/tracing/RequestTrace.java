package dev.ideogate.tracing;

import dev.ideogate.api.GatewayException;
import dev.ideogate.upstream.CallTrace;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.common.Clock;
import io.vertx.core.AsyncResult;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The trace of one client request (ARCHITECTURE.md §9): its server span and the phases below it, each a direct child
 * of the server span: {@code ideogate.auth_policy} (from the route's first check to a priced request),
 * {@code ideogate.reserve}, {@code ideogate.queue_wait}, {@code ideogate.upstream} (one per attempt, the span
 * Ideogram sees as parent) and {@code ideogate.settle}. Attributes name the team, endpoint, model and statuses,
 * never a key, a prompt or a body. Thread-safe: the upstream phases run on the dispatcher's event loop.
 */
public final class RequestTrace {
  /** Where the trace lives in the request's {@link RoutingContext}. */
  public static final String KEY = "ideogate.trace";
  public static final String AUTH_POLICY = "ideogate.auth_policy";
  public static final String RESERVE = "ideogate.reserve";
  public static final String QUEUE_WAIT = "ideogate.queue_wait";
  public static final String UPSTREAM = "ideogate.upstream";
  public static final String SETTLE = "ideogate.settle";

  static final AttributeKey<String> TEAM = AttributeKey.stringKey("ideogate.team");
  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("ideogate.endpoint");
  static final AttributeKey<String> MODEL = AttributeKey.stringKey("ideogate.model");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("ideogate.request_id");
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("ideogate.attempt");

  private static final Tracer NO_TRACER = OpenTelemetry.noop().getTracer("none");
  private static final Clock SPAN_CLOCK = Clock.getDefault();

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final Span server;
  private final Context serverContext;
  private final String requestId;
  private final String method;
  private final Map<String, Span> open = new LinkedHashMap<>();
  private String team;
  private String endpoint;
  private String model;
  private long queuedAtNanos; // epoch nanos on the tracer's clock, 0 = not queued
  private int attempts;

  RequestTrace(Tracer tracer, TextMapPropagator propagator, Span server, String requestId, String method) {
    this.method = method;
    this.tracer = tracer;
    this.propagator = propagator;
    this.server = server;
    this.serverContext = Context.root().with(server);
    this.requestId = requestId;
  }

  /** The request's trace; an untraced stand-in (no spans, no propagation) when none was started. */
  public static RequestTrace of(RoutingContext ctx) {
    RequestTrace trace = ctx.get(KEY);
    return trace == null ? new RequestTrace(NO_TRACER, TextMapPropagator.noop(), Span.getInvalid(), null, "") : trace;
  }

  /** The trace id as logged and propagated (32 hex digits), all zeros when untraced. */
  public String traceId() {
    return server.getSpanContext().getTraceId();
  }

  /** The server span's id (16 hex digits). */
  public String spanId() {
    return server.getSpanContext().getSpanId();
  }

  SpanContext spanContext() {
    return server.getSpanContext();
  }

  /**
   * Opens a phase; it ends with {@link #end}, or with the request. Nothing when the request is not recorded (tracing
   * disabled, or not sampled): a phase span is never propagated, and under an unrecorded parent it would only cost
   * its ids (a few per cent of a request's CPU).
   */
  public synchronized void begin(String phase) {
    if (!server.isRecording()) {
      return;
    }
    Span previous = open.put(phase, startChild(phase, SpanKind.INTERNAL, 0, 0));
    if (previous != null) {
      previous.end();
    }
  }

  /** Ends a phase successfully (nothing when it is not open). */
  public void end(String phase) {
    end(phase, null);
  }

  /** Ends a phase with the outcome of the work it measured: a failure marks it as an error, with its code. */
  public void end(String phase, AsyncResult<?> outcome) {
    Span span;
    synchronized (this) {
      span = open.remove(phase);
    }
    if (span == null) {
      return;
    }
    if (outcome != null && outcome.failed()) {
      markError(span, outcome.cause());
    }
    span.end();
  }

  /**
   * The request passed auth and policy: names its team, endpoint and model on the server span and on every later
   * phase, and ends {@link #AUTH_POLICY}.
   */
  public void admitted(String team, String endpoint, String model) {
    synchronized (this) {
      this.team = team;
      this.endpoint = endpoint;
      this.model = model;
    }
    server.setAttribute(TEAM, team).setAttribute(ENDPOINT, endpoint);
    if (model != null) {
      server.setAttribute(MODEL, model);
    }
    Span auth;
    synchronized (this) {
      auth = open.get(AUTH_POLICY);
    }
    if (auth != null) {
      auth.setAttribute(TEAM, team).setAttribute(ENDPOINT, endpoint);
      if (model != null) {
        auth.setAttribute(MODEL, model);
      }
    }
    end(AUTH_POLICY);
  }

  /** The job goes to the dispatcher now: {@link #QUEUE_WAIT} runs from here to the first attempt. */
  public synchronized void queued() {
    if (server.isRecording()) { // an unrecorded request has no queue-wait span to start
      queuedAtNanos = SPAN_CLOCK.now(); // the clock the SDK stamps spans with, so the phases line up
    }
  }

  /** The trace of the request's upstream call, carried by the dispatcher as plain data. */
  public CallTrace upstreamCall() {
    return new UpstreamAttempts();
  }

  /** The response was sent: the server span and every phase still open end. */
  void end(String route, int status) {
    Map<String, Span> left;
    long waitingSince;
    synchronized (this) {
      left = new LinkedHashMap<>(open);
      open.clear();
      waitingSince = attempts == 0 ? queuedAtNanos : 0;
      queuedAtNanos = 0;
    }
    if (waitingSince != 0) { // refused or abandoned while queued: the wait still shows
      startChild(QUEUE_WAIT, SpanKind.INTERNAL, waitingSince, 0).setStatus(StatusCode.ERROR).end();
    }
    for (Span span : left.values()) {
      span.setStatus(status >= 400 ? StatusCode.ERROR : StatusCode.UNSET).end();
    }
    if (route != null) {
      server.setAttribute(HTTP_ROUTE, route);
      server.updateName(method + " " + route);
    }
    server.setAttribute(HTTP_STATUS, (long) status);
    if (status >= 500) {
      server.setStatus(StatusCode.ERROR);
    }
    server.end();
  }

  /**
   * Starts a child of the server span ({@code startNanos} 0: now). Its attributes are set once it is started and only
   * when it records: the sampler reads none of them, and an unrecorded span (the upstream attempt of every request
   * when tracing is off) would otherwise build an attribute map per request for nothing.
   *
   * @param attempt the upstream attempt's number, 0 for a phase
   */
  private synchronized Span startChild(String name, SpanKind kind, long startNanos, int attempt) {
    SpanBuilder builder = tracer.spanBuilder(name).setParent(serverContext).setSpanKind(kind);
    if (startNanos != 0) {
      builder.setStartTimestamp(startNanos, TimeUnit.NANOSECONDS);
    }
    Span span = builder.startSpan();
    if (span.isRecording()) {
      if (team != null) {
        span.setAttribute(TEAM, team).setAttribute(ENDPOINT, endpoint);
      }
      if (model != null) {
        span.setAttribute(MODEL, model);
      }
      if (attempt > 0) {
        span.setAttribute(ATTEMPT, (long) attempt);
      }
    }
    return span;
  }

  private static void markError(Span span, Throwable cause) {
    String type = cause instanceof GatewayException e ? e.error().code() : cause.getClass().getSimpleName();
    span.setAttribute(ERROR_TYPE, type).setStatus(StatusCode.ERROR);
  }

  /** One {@link #UPSTREAM} span per attempt; the first also closes {@link #QUEUE_WAIT}. */
  private final class UpstreamAttempts implements CallTrace {
    private Span attempt;

    @Override
    public Map<String, String> sending() {
      long waitingSince;
      int number;
      synchronized (RequestTrace.this) {
        waitingSince = attempts == 0 ? queuedAtNanos : 0;
        number = ++attempts;
      }
      if (waitingSince != 0) {
        startChild(QUEUE_WAIT, SpanKind.INTERNAL, waitingSince, 0).end();
      }
      Span span = startChild(UPSTREAM, SpanKind.CLIENT, 0, number);
      synchronized (this) {
        attempt = span;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      propagator.inject(Context.root().with(span), headers, Map::put);
      if (requestId != null) {
        headers.put("X-Request-Id", requestId);
      }
      return headers;
    }

    @Override
    public void answered(int status) {
      Span span = take();
      if (span != null) {
        span.setAttribute(HTTP_STATUS, (long) status);
        if (status >= 400) {
          span.setAttribute(ERROR_TYPE, Integer.toString(status)).setStatus(StatusCode.ERROR);
        }
        span.end();
      }
    }

    @Override
    public void failed(Throwable cause) {
      Span span = take();
      if (span != null) {
        markError(span, cause);
        span.end();
      }
    }

    private synchronized Span take() {
      Span span = attempt;
      attempt = null;
      return span;
    }
  }
}
