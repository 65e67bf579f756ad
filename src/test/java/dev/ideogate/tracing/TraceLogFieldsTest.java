package dev.ideogate.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.ideogate.testing.Await;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Log lines leave the event loop through a ring-buffer appender (logback.xml) and are written on its worker thread,
 * where no Vert.x context exists: the trace ids must be taken when the line is created (ARCHITECTURE.md §9).
 */
class TraceLogFieldsTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  /** What the async appender's worker received, and on which thread it wrote it. */
  private record Written(Map<String, String> mdc, String thread) {}

  @Test
  void aLineLoggedWhileServingATraceCarriesItsIdsThroughTheRingBufferAndIsWrittenOffTheEventLoop()
      throws Exception {
    BlockingQueue<Written> written = new LinkedBlockingQueue<>();
    LoggerContext logging = new LoggerContext();
    // The MDC the turbo filter writes (org.slf4j.MDC) is the JVM's logback one: this context reads the same.
    logging.setMDCAdapter(((LoggerContext) LoggerFactory.getILoggerFactory()).getMDCAdapter());
    logging.start();
    TraceLogFields fields = new TraceLogFields();
    fields.setContext(logging);
    fields.start();
    logging.addTurboFilter(fields);
    AppenderBase<ILoggingEvent> sink = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        written.add(new Written(event.getMDCPropertyMap(), Thread.currentThread().getName()));
      }
    };
    sink.setContext(logging);
    sink.start();
    LoggingEventAsyncDisruptorAppender async = new LoggingEventAsyncDisruptorAppender(); // as logback.xml
    async.setContext(logging);
    async.setWaitStrategyType("sleeping{0,5000000}");
    async.addAppender(sink);
    async.start();
    Logger logger = logging.getLogger("audit");
    logger.addAppender(async);
    Vertx vertx = Vertx.vertx();
    try {
      RequestTrace trace = new RequestTrace(OpenTelemetry.noop().getTracer("test"), TextMapPropagator.noop(),
          Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault())), "r-1", "POST");
      ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      Promise<String> loggedOn = Promise.promise();
      request.runOnContext(v -> {
        TraceLogFields.bind(request, trace);
        logger.info("served");
        loggedOn.complete(Thread.currentThread().getName());
      });
      String eventLoop = Await.await(loggedOn.future());
      logger.info("outside any request"); // same logger, from the test thread: no trace

      Written served = written.poll(10, TimeUnit.SECONDS);
      assertNotNull(served, "the request's line was written");
      assertEquals(TRACE, served.mdc().get(TraceLogFields.TRACE_ID));
      assertEquals(SPAN, served.mdc().get(TraceLogFields.SPAN_ID));
      assertNotEquals(eventLoop, served.thread(), "the line was written by the async worker, not the event loop");
      Written outside = written.poll(10, TimeUnit.SECONDS);
      assertNotNull(outside, "the second line was written");
      assertFalse(outside.mdc().containsKey(TraceLogFields.TRACE_ID), "no trace outside a request: " + outside.mdc());
    } finally {
      Await.await(vertx.close());
      logging.stop();
    }
  }
}
