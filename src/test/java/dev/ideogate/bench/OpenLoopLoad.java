package dev.ideogate.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A wrk2-style open-loop load generator: request i is due at {@code start + i / rate}, is sent as soon as the
 * generator sees it due (never later because an earlier one is slow), and its latency runs from that intended
 * time to the last byte of the response. A stalled server therefore shows in the percentiles instead of quietly
 * lowering the offered rate (coordinated omission).
 */
public final class OpenLoopLoad implements AutoCloseable {
  private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;
  private final String path;
  private final MultiMap headers;
  private final Buffer body;

  public OpenLoopLoad(Vertx vertx, int port, String path, Map<String, String> headers, Buffer body) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setConnectTimeout(5_000), new PoolOptions().setHttp1MaxSize(2_000).setMaxWaitQueueSize(-1));
    this.port = port;
    this.path = path;
    this.headers = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    this.body = body;
  }

  /** What one fixed-rate run measured. Latencies in µs. */
  public record Result(int rate, double seconds, long sent, long ok, long errors, Map<Integer, Long> statuses,
      Histogram latencyMicros) {
    public long p(double percentile) {
      return latencyMicros.getValueAtPercentile(percentile);
    }

    /** Sustained: p99 under the bound and not a single error. */
    public boolean sustains(long p99BoundMicros) {
      return errors == 0 && p(99) < p99BoundMicros;
    }
  }

  /** Offers {@code rate} requests per second for {@code seconds}, then waits for the stragglers (≤ 15 s). */
  public Result run(int rate, double seconds) {
    Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
    Map<Integer, Long> statuses = new TreeMap<>();
    long total = Math.round(rate * seconds);
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    long[] counters = new long[3]; // sent, ok, errors
    Promise<Void> allDone = Promise.promise();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
    vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
      long now = System.nanoTime();
      while (counters[0] < total && start + counters[0] * intervalNanos <= now) {
        long intended = start + counters[0] * intervalNanos;
        counters[0]++;
        send().onComplete(reply -> {
          long micros = Math.min(HIGHEST_MICROS, (System.nanoTime() - intended) / 1_000);
          int status = reply.succeeded() ? reply.result() : -1;
          synchronized (histogram) {
            histogram.recordValue(Math.max(0, micros));
            statuses.merge(status, 1L, Long::sum);
            counters[status == 200 ? 1 : 2]++;
            if (counters[1] + counters[2] == total) {
              allDone.tryComplete();
            }
          }
        });
      }
      if (counters[0] >= total) {
        vertx.cancelTimer(timer);
      }
    }));
    try {
      allDone.future().toCompletionStage().toCompletableFuture()
          .get((long) (seconds * 1000) + 15_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // stragglers past the deadline count as errors below
    }
    synchronized (histogram) {
      long missing = total - counters[1] - counters[2];
      statuses.merge(0, missing, Long::sum);
      statuses.values().removeIf(n -> n == 0);
      return new Result(rate, seconds, counters[0], counters[1], counters[2] + missing, Map.copyOf(statuses),
          histogram.copy());
    }
  }

  /** One request; its status once the whole body has arrived. */
  private Future<Integer> send() {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers)).setIdleTimeout(10_000);
    return client.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(b -> response.statusCode()));
  }

  @Override
  public void close() {
    client.close().toCompletionStage().toCompletableFuture().join();
  }
}
