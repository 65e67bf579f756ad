package dev.ideogate.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A wrk-style closed loop: {@code concurrency} connections each keep one request outstanding for the whole run,
 * sending the next as soon as the answer is in, whatever its status (a rejection is as much a result as a 200).
 * Latency is from send to the last byte; throughput counts answers that arrived within the run.
 */
final class ClosedLoopLoad implements AutoCloseable {
  private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

  private final Vertx vertx;
  private final HttpClient client;
  private final RequestOptions request;
  private final Buffer body;

  ClosedLoopLoad(Vertx vertx, int port, Map<String, String> headers, Buffer body) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
    this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/generate").setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers)).setIdleTimeout(60_000);
    this.body = body;
  }

  /** What one run measured; latencies in µs. */
  record Result(int concurrency, double seconds, Map<Integer, Long> statuses, Histogram latencyMicros) {
    long p(double percentile) {
      return latencyMicros.getValueAtPercentile(percentile);
    }

    double perSecond(int status) {
      return statuses.getOrDefault(status, 0L) / seconds;
    }

    double answersPerSecond() {
      return statuses.values().stream().mapToLong(Long::longValue).sum() / seconds;
    }
  }

  Result run(int concurrency, double seconds) {
    Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
    Map<Integer, Long> statuses = new TreeMap<>();
    long started = System.nanoTime();
    long deadline = started + (long) (seconds * 1e9);
    CountDownLatch finished = new CountDownLatch(concurrency);
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        loop(deadline, histogram, statuses, finished);
      }
    });
    try {
      if (!finished.await((long) seconds + 30, TimeUnit.SECONDS)) {
        throw new AssertionError("closed-loop clients did not finish within 30 s of the run's end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Result(concurrency, seconds, Map.copyOf(statuses), histogram);
  }

  /** Runs on the client's single event loop, so the histogram and the status map need no locks. */
  private void loop(long deadline, Histogram histogram, Map<Integer, Long> statuses, CountDownLatch finished) {
    long sent = System.nanoTime();
    if (sent >= deadline) {
      finished.countDown();
      return;
    }
    client.request(request).compose(r -> r.send(body)).compose(r -> r.body().map(b -> r.statusCode()))
        .onComplete(reply -> {
          long now = System.nanoTime();
          if (now < deadline) {
            histogram.recordValue(Math.min(HIGHEST_MICROS, (now - sent) / 1000));
            statuses.merge(reply.succeeded() ? reply.result() : 0, 1L, Long::sum);
          }
          loop(deadline, histogram, statuses, finished);
        });
  }

  @Override
  public void close() {
    client.close();
  }
}
