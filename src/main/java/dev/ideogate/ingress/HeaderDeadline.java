package dev.ideogate.ingress;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Closes a connection that has not delivered a complete request head within {@code timeoutMs} of being opened or
 * of its previous response (slowloris). The idle timeout alone does not do it: a client sending one header byte a
 * second is never idle. Vert.x calls the request handler only once the head is complete, so a connection counts as
 * "awaiting a head" from its opening, and again once its latest request's response has ended. One periodic sweep
 * per server (every quarter timeout) rather than a timer per connection: a connection is closed between 1 and
 * 1.25 timeouts after it started waiting. An idle keep-alive connection is closed after the same time, as Apache's
 * KeepAliveTimeout does.
 */
public final class HeaderDeadline {
  private final long timeoutMs;
  private final LongSupplier nowMs;
  private final Map<HttpConnection, Waiting> connections = new ConcurrentHashMap<>();

  /** The connection's latest request (null before the first) and since when it has been waiting for a head. */
  private static final class Waiting {
    volatile HttpServerRequest latest;
    volatile long sinceMs;

    Waiting(long sinceMs) {
      this.sinceMs = sinceMs;
    }
  }

  public HeaderDeadline(long timeoutMs, LongSupplier nowMs) {
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("header timeout must be ≥ 1 ms, got " + timeoutMs);
    }
    this.timeoutMs = timeoutMs;
    this.nowMs = nowMs;
  }

  /** Starts the sweep; it runs until the vertx (or the verticle that called this) stops. */
  public void start(Vertx vertx) {
    vertx.setPeriodic(Math.max(10, timeoutMs / 4), id -> sweep());
  }

  public Handler<HttpConnection> connectionHandler() {
    return connection -> {
      connections.put(connection, new Waiting(nowMs.getAsLong()));
      connection.closeHandler(v -> connections.remove(connection));
    };
  }

  /** Wraps the server's request handler: a head arrived, the connection is busy until that response ends. */
  public Handler<HttpServerRequest> requestHandler(Handler<HttpServerRequest> next) {
    return request -> {
      Waiting waiting = connections.get(request.connection());
      if (waiting != null) {
        waiting.latest = request;
        waiting.sinceMs = Long.MAX_VALUE;
      }
      next.handle(request);
    };
  }

  /** Connections tracked right now (tests). */
  public int tracked() {
    return connections.size();
  }

  void sweep() {
    long now = nowMs.getAsLong();
    connections.forEach((connection, waiting) -> {
      HttpServerRequest latest = waiting.latest;
      if (waiting.sinceMs == Long.MAX_VALUE) {
        if (latest != null && latest.response().ended()) {
          waiting.sinceMs = now;
        }
        return;
      }
      if (now - waiting.sinceMs >= timeoutMs) {
        connections.remove(connection);
        connection.close();
      }
    });
  }
}
