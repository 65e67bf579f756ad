package dev.ideogate.tracing;

import dev.ideogate.config.GatewayConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The traces of one gateway (ARCHITECTURE.md §9): a server span per client request that continues the caller's W3C
 * {@code traceparent}/{@code tracestate}, its child spans ({@link RequestTrace}) and the propagation to Ideogram.
 * Trace context is always read, propagated and logged; {@code tracing.enabled} decides only whether spans are
 * recorded and exported over OTLP/HTTP. Disabled, a caller's sampled parent is still honoured in the flags sent
 * upstream, but nothing leaves the process.
 */
public final class Tracing {
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final W3CTraceContextPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<HttpServerRequest> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpServerRequest request) {
      return request.headers().names();
    }

    @Override
    public String get(HttpServerRequest request, String key) {
      return request == null ? null : request.getHeader(key);
    }
  };

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider.get("dev.ideogate");
  }

  /** From the {@code tracing:} section: OTLP export when enabled, no export (and no recording) otherwise. */
  public static Tracing fromConfig(GatewayConfig.Tracing config) {
    SdkTracerProviderBuilder builder = SdkTracerProvider.builder().setResource(resource(config.serviceName()));
    if (config.enabled()) {
      builder.setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
          .addSpanProcessor(BatchSpanProcessor.builder(
              OtlpHttpSpanExporter.builder().setEndpoint(config.otlpEndpoint()).build()).build());
    } else {
      // The SDK hands out invalid (all-zero) ids when no processor is registered: one that keeps nothing gives
      // every request a real trace id to log and propagate, at the cost of two random numbers.
      builder.setSampler(Sampler.parentBased(Sampler.alwaysOff())).addSpanProcessor(new IdsOnly());
    }
    return new Tracing(builder.build());
  }

  /** A span processor that keeps nothing (tracing disabled). */
  private static final class IdsOnly implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }

  /** Every span recorded and handed to {@code exporter} as it ends (tests: the SDK's in-memory exporter). */
  public static Tracing exportingTo(SpanExporter exporter, String serviceName) {
    return new Tracing(SdkTracerProvider.builder().setResource(resource(serviceName))
        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build());
  }

  private static Resource resource(String serviceName) {
    return Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName)));
  }

  /**
   * Opens the request's server span (child of the caller's {@code traceparent} when it sent a valid one), makes it
   * the request's {@link RequestTrace} and ends it, with the response status, when the response has been sent.
   */
  public RequestTrace startServerSpan(RoutingContext ctx, String requestId) {
    HttpServerRequest request = ctx.request();
    Context parent = PROPAGATOR.extract(Context.root(), request, HEADERS);
    Span span = tracer.spanBuilder(request.method().name()).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
    if (span.isRecording()) { // after the start, as RequestTrace's children: the sampler reads no attribute
      span.setAttribute(RequestTrace.HTTP_METHOD, request.method().name()).setAttribute(RequestTrace.REQUEST_ID, requestId);
    }
    RequestTrace trace = new RequestTrace(tracer, PROPAGATOR, span, requestId, request.method().name());
    ctx.put(RequestTrace.KEY, trace);
    TraceLogFields.bind(Vertx.currentContext(), trace);
    ctx.addEndHandler(ar -> trace.end(route(ctx), ctx.response().getStatusCode()));
    return trace;
  }

  private static String route(RoutingContext ctx) {
    return ctx.currentRoute() == null ? null : ctx.currentRoute().getPath();
  }

  /** Exports what is still buffered, then stops; bounded so a dead collector cannot hold up a shutdown. */
  public Future<Void> close(Vertx vertx) {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.executeBlocking(() -> provider.shutdown().join(5, TimeUnit.SECONDS), false)
        .onComplete(ar -> done.complete());
    return done.future();
  }
}
