package dev.ideogate.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The crowd of the holding-power scenario, in its own JVM (a socket per client on each side would otherwise
 * double the gateway process's file descriptors): opens {@code count} connections at {@code perSecond}, each
 * with one request, waits for all answers, and prints one {@code RESULT {json}} line. Progress lines
 * ({@code SENT n}) let the parent know when the crowd is complete.
 *
 * <p>Args: port count perSecond clientKey.
 */
public final class HoldingClients {
  private HoldingClients() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    int perSecond = Integer.parseInt(args[2]);
    String clientKey = args[3];
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(60_000),
        new PoolOptions().setHttp1MaxSize(count + 10).setMaxWaitQueueSize(-1));
    Buffer body = Buffer.buffer(new JsonObject().put("image_request", new JsonObject()
        .put("prompt", "a quiet harbour at night").put("model", "V_2_TURBO").put("num_images", 1)).encode());
    Histogram queueWaitMs = new Histogram(3_600_000, 3);
    Histogram latencyMs = new Histogram(3_600_000, 3);
    Map<String, Long> statuses = new TreeMap<>();
    CountDownLatch done = new CountDownLatch(count);
    AtomicInteger sent = new AtomicInteger();
    long started = System.nanoTime();
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
      while (sent.get() < count && started + sent.get() * intervalNanos <= System.nanoTime()) {
        sent.incrementAndGet();
        long t0 = System.nanoTime();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/generate").setIdleTimeout(0).setHeaders(MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json").add("Api-Key", clientKey));
        client.request(options).compose(r -> r.send(body)).compose(r -> r.body().map(b -> r))
            .onComplete(reply -> {
              synchronized (statuses) {
                if (reply.succeeded()) {
                  statuses.merge(Integer.toString(reply.result().statusCode()), 1L, Long::sum);
                  String wait = reply.result().getHeader("X-Ideogate-Queue-Wait-Ms");
                  if (wait != null) {
                    queueWaitMs.recordValue(Math.min(3_600_000, Long.parseLong(wait)));
                  }
                } else {
                  String error = reply.cause().getClass().getSimpleName();
                  statuses.merge(error, 1L, Long::sum);
                }
                latencyMs.recordValue(Math.min(3_600_000, (System.nanoTime() - t0) / 1_000_000));
              }
              done.countDown();
            });
      }
      if (sent.get() >= count) {
        vertx.cancelTimer(timer);
      }
    }));
    Thread progress = new Thread(() -> {
      while (done.getCount() > 0) {
        System.out.println("SENT " + sent.get() + " DONE " + (count - done.getCount()));
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    progress.setDaemon(true);
    progress.start();
    done.await(600, TimeUnit.SECONDS);
    synchronized (statuses) {
      JsonObject result = new JsonObject()
          .put("sent", sent.get())
          .put("answered", count - done.getCount())
          .put("statuses", new JsonObject(new java.util.HashMap<String, Object>(statuses)))
          .put("queueWaitP50Ms", queueWaitMs.getValueAtPercentile(50))
          .put("queueWaitP99Ms", queueWaitMs.getValueAtPercentile(99))
          .put("queueWaitMaxMs", queueWaitMs.getMaxValue())
          .put("latencyP99Ms", latencyMs.getValueAtPercentile(99))
          .put("latencyMaxMs", latencyMs.getMaxValue());
      System.out.println("RESULT " + result.encode());
    }
    System.out.flush();
    client.close();
    vertx.close();
    System.exit(0);
  }
}
