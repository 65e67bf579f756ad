package dev.ideogate.ops;

import dev.ideogate.batch.Batch;
import dev.ideogate.batch.BatchRunner;
import dev.ideogate.batch.LineResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the batch runner reports (ARCHITECTURE.md §9, §13): {@code ideogate_batch_lines_total{team,state}},
 * {@code ideogate_batch_images_stored_total{team}}, {@code ideogate_batch_store_errors_total{what}}, one audit line
 * per finished line, and the finished batch handed on (its completion webhook).
 */
public final class BatchReporting implements BatchRunner.BatchEvents {
  private static final Logger LOG = LoggerFactory.getLogger(BatchReporting.class);
  private static final long WARN_EVERY_NANOS = 60_000_000_000L;
  private final MeterRegistry registry;
  private final Consumer<Batch> finished;
  /** Last warning per kind of error (System.nanoTime): a Redis outage logs once a minute, not on every claim. */
  private final Map<String, Long> lastWarnedNanos = new ConcurrentHashMap<>();

  public BatchReporting(MeterRegistry registry, Consumer<Batch> finished) {
    this.registry = registry;
    this.finished = finished;
  }

  @Override
  public void lineFinished(String team, String batchId, LineResult result) {
    Counter.builder("ideogate.batch.lines").description("Batch lines ended, by team and final state")
        .tags("team", team, "state", result.state().wire()).register(registry).increment();
    if (!result.imageKeys().isEmpty()) {
      Counter.builder("ideogate.batch.images.stored").description("Batch images kept in the object store")
          .tags("team", team).register(registry).increment(result.imageKeys().size());
    }
    AuditLog.batchLine(team, batchId, result.number(), result.customId(), result.state().wire(), result.code(),
        result.imageKeys().size(), result.costMicroUsd(), result.queueWaitMs());
  }

  @Override
  public void batchFinished(Batch batch) {
    finished.accept(batch);
  }

  @Override
  public void storeError(String what, Throwable cause) {
    Counter.builder("ideogate.batch.store.errors")
        .description("Batch store and object store errors (claim, finish, image, retention)")
        .tags("what", what).register(registry).increment();
    long now = System.nanoTime();
    Long last = lastWarnedNanos.get(what);
    if (last == null || now - last >= WARN_EVERY_NANOS) {
      lastWarnedNanos.put(what, now);
      LOG.warn("batch {} error (further ones this minute only counted): {}", what, cause.toString());
    }
  }
}
