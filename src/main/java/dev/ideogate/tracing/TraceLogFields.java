package dev.ideogate.tracing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.io.IOException;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Adds {@code trace_id} and {@code span_id} to every JSON log and audit line written while a traced request is
 * being served (ARCHITECTURE.md §9). Vert.x has no thread-local request context: each HTTP request runs on its own
 * duplicated Vert.x context, which follows the request through its callbacks, so the trace is kept in that
 * context's local data and read back here. Lines written elsewhere (dispatcher loop, timers) carry no trace id.
 * Declared as a {@code <provider>} of the LogstashEncoder in logback.xml; the console appender is synchronous, so
 * this runs on the thread that logged.
 */
public final class TraceLogFields extends AbstractJsonProvider<ILoggingEvent> {
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
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    RequestTrace trace = current();
    if (trace != null && trace.spanContext().isValid()) {
      generator.writeStringField(TRACE_ID, trace.traceId());
      generator.writeStringField(SPAN_ID, trace.spanId());
    }
  }
}
