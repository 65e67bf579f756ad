package dev.ideogate.tracing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Objects;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Adds {@code trace_id} and {@code span_id} to every JSON log and audit line written while a traced request is
 * being served (ARCHITECTURE.md §9). Vert.x has no thread-local request context: each HTTP request runs on its own
 * duplicated Vert.x context, which follows the request through its callbacks, so the trace is kept in that
 * context's local data. Lines are encoded later on the logging thread of a ring-buffer appender (logback.xml:
 * event loops never write a line themselves), where no Vert.x context exists; so this turbo filter, which logback
 * runs on the calling thread before each line is created, copies the current trace into the thread's MDC (and
 * clears it when there is none). The event snapshots the MDC when the appender queues it, and the encoder's
 * MDC provider writes the two fields. Lines written elsewhere (dispatcher loop, timers) carry no trace id.
 */
public final class TraceLogFields extends TurboFilter {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";
  private static final Object LOCAL_KEY = TraceLogFields.class;

  /** Binds the trace to the request's own (duplicated) context; never to an event loop's shared context. */
  static void bind(Context context, RequestTrace trace) {
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      internal.localContextData().put(LOCAL_KEY, trace);
    }
  }

  /** The trace of the request being served on this thread, null when none. */
  static RequestTrace current() {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      return (RequestTrace) internal.localContextData().get(LOCAL_KEY);
    }
    return null;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (logger != null && level != null && !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      // Below the logger's level (Netty's and Vert.x's isDebugEnabled checks): no line is made, no MDC is read.
      return FilterReply.NEUTRAL;
    }
    RequestTrace trace = current();
    if (trace != null && trace.spanContext().isValid()) {
      put(TRACE_ID, trace.traceId());
      put(SPAN_ID, trace.spanId());
    } else {
      put(TRACE_ID, null);
      put(SPAN_ID, null);
    }
    return FilterReply.NEUTRAL;
  }

  /** Writes only on change: each MDC write makes logback copy the thread's map for the next event. */
  private static void put(String key, String value) {
    if (Objects.equals(MDC.get(key), value)) {
      return;
    }
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
