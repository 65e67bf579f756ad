package dev.ideogate.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that each keep one request outstanding: send, wait for the answer, send again, until the deadline.
 * Client i talks to {@code ports.get(assignment[i])}. Counts what came back while the run lasted.
 */
final class ClosedLoopClients implements AutoCloseable {
  private final Vertx vertx;
  private final HttpClient client;
  private final Map<String, String> headers;
  private final Buffer body;
  private final Map<Integer, Long> statuses = new TreeMap<>();
  private final AtomicLong ok = new AtomicLong();
  private volatile long deadlineNanos;

  ClosedLoopClients(Vertx vertx, int connections, Map<String, String> headers, Buffer body) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.headers = headers;
    this.body = body;
  }

  /** Runs until the deadline; returns 200s completed within it. */
  long run(List<Integer> portsByClient, double seconds) {
    deadlineNanos = System.nanoTime() + (long) (seconds * 1e9);
    vertx.runOnContext(v -> portsByClient.forEach(this::loop));
    try {
      TimeUnit.NANOSECONDS.sleep(deadlineNanos - System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ok.get();
  }

  private void loop(int port) {
    if (System.nanoTime() >= deadlineNanos) {
      return;
    }
    send(port).onComplete(reply -> {
      if (System.nanoTime() >= deadlineNanos) {
        return; // answered after the window: not counted
      }
      int status = reply.succeeded() ? reply.result() : -1;
      synchronized (statuses) {
        statuses.merge(status, 1L, Long::sum);
      }
      if (status == 200) {
        ok.incrementAndGet();
        loop(port);
      } else {
        vertx.setTimer(100, t -> loop(port)); // a refused client backs off a little, as a real one would
      }
    });
  }

  private Future<Integer> send(int port) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/generate").setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers)).setIdleTimeout(120_000);
    return client.request(options).compose(r -> r.send(body)).compose(r -> r.body().map(b -> r.statusCode()));
  }

  Map<Integer, Long> statuses() {
    synchronized (statuses) {
      return Map.copyOf(statuses);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
