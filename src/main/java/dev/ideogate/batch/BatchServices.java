package dev.ideogate.batch;

import dev.ideogate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The batch jobs of one replica (ARCHITECTURE.md §13): the shared store, the object store of the images, the signer
 * of result URLs, and the runner working lines (started once the ingress supplies its {@link LineExecutor}).
 */
public final class BatchServices {
  /** An image larger than this is not an image Ideogram made. */
  static final long MAX_IMAGE_BYTES = 64L << 20;

  private final Vertx vertx;
  private final BatchStore store;
  private final ObjectStore objects;
  private final ResultUrls urls;
  private final GatewayConfig.Batches config;
  private final Clock clock;
  private final WebClient images;
  /** How often a replica looks for batches whose retention ended. */
  static final long SWEEP_INTERVAL_MS = 60_000;

  private BatchRunner runner;
  private RetentionSweeper sweeper;

  public BatchServices(Vertx vertx, BatchStore store, ObjectStore objects, GatewayConfig.Batches config,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.objects = objects;
    this.config = config;
    this.clock = clock;
    byte[] secret = config.urlSecret().isEmpty() ? random(32) : config.urlSecret().getBytes(StandardCharsets.UTF_8);
    this.urls = new ResultUrls(secret);
    this.images = WebClient.create(vertx, new WebClientOptions(),
        new PoolOptions().setHttp1MaxSize(config.linesPerReplica()));
  }

  /** The object store of {@code config}: the S3 bucket when one is configured, else the image directory. */
  public static ObjectStore objectStore(Vertx vertx, GatewayConfig.Batches config) {
    return config.s3().enabled() ? S3ObjectStore.of(vertx, config.s3())
        : new DirectoryObjectStore(vertx, Path.of(config.imageDir()));
  }

  public BatchStore store() {
    return store;
  }

  public ObjectStore objects() {
    return objects;
  }

  public ResultUrls urls() {
    return urls;
  }

  /** Starts working lines of every batch through {@code executor}. */
  public void start(LineExecutor executor, BatchRunner.BatchEvents events) {
    runner = new BatchRunner(vertx, store, executor, new ImageKeeper(images, objects, MAX_IMAGE_BYTES), clock,
        config.linesPerReplica(), config.lineLease().toMillis(), events);
    runner.start();
    sweeper = new RetentionSweeper(vertx, store, objects, clock, SWEEP_INTERVAL_MS, events);
    sweeper.start();
  }

  /** The runner (null before start): tests stop a line at a chosen step through its hook. */
  BatchRunner runner() {
    return runner;
  }


  /** Lines this replica runs now (0 before start). */
  public int running() {
    return runner == null ? 0 : runner.running();
  }

  /** Stops claiming lines; lines running finish; a line that does not is taken back when its lease ends. */
  public void stopClaiming() {
    if (runner != null) {
      runner.stop();
    }
  }

  public Future<Void> close() {
    if (runner != null) {
      runner.close();
    }
    if (sweeper != null) {
      sweeper.stop();
    }
    images.close();
    return Future.join(store.close(), objects.close()).mapEmpty();
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
