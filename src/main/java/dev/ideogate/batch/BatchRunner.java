package dev.ideogate.batch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's share of the batch work (ARCHITECTURE.md §13): claims lines of any batch from the shared store, up
 * to {@code linesPerReplica} at once, runs each through the {@link LineExecutor}, keeps its images
 * ({@link ImageKeeper}) and records its outcome. Lines of a replica that died are taken back by the store when
 * their lease ends. Runs on one Vert.x context; claims one line at a time, so the store sees no burst.
 */
public final class BatchRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);
  /** How often an idle runner looks for work. */
  static final long POLL_MS = 200;

  private final Vertx vertx;
  private final BatchStore store;
  private final LineExecutor executor;
  private final ImageKeeper images;
  private final Clock clock;
  private final int maxRunning;
  private final long leaseMs;
  private final BatchEvents events;
  private int running;
  private boolean claiming;
  private boolean stopped;
  private long timer = -1;

  public BatchRunner(Vertx vertx, BatchStore store, LineExecutor executor, ImageKeeper images, Clock clock,
      int maxRunning, long leaseMs, BatchEvents events) {
    this.vertx = vertx;
    this.store = store;
    this.executor = executor;
    this.images = images;
    this.clock = clock;
    this.maxRunning = maxRunning;
    this.leaseMs = leaseMs;
    this.events = events;
  }

  public void start() {
    vertx.runOnContext(v -> {
      timer = vertx.setPeriodic(POLL_MS, t -> fill());
      fill();
    });
  }

  /** Claims no more lines; lines running finish (their outcomes are recorded). */
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Lines this replica runs now. */
  public int running() {
    return running;
  }

  private void fill() {
    if (stopped || claiming || running >= maxRunning) {
      return;
    }
    claiming = true;
    store.claim(clock.millis(), leaseMs).onComplete(ar -> {
      claiming = false;
      if (ar.failed()) {
        events.storeError("claim", ar.cause());
        return;
      }
      Optional<BatchStore.Claim> claim = ar.result();
      if (claim.isPresent()) {
        running++;
        runLine(claim.get()).onComplete(done -> {
          running--;
          fill();
        });
        fill();
      }
    });
  }

  private Future<Void> runLine(BatchStore.Claim claim) {
    BatchLine line = claim.line();
    Future<LineOutcome> ran = claim.chargedBeforeTakeover()
        ? Future.succeededFuture(LineOutcome.ended(LineState.UNKNOWN, "upstream_error", "the replica running this"
            + " line stopped after it was charged and before its images were kept", -claim.heldMicroUsd()))
        : claim.takenOver() ? executor.takeOver(claim) : executor.run(claim, hold -> store.started(claim, hold));
    return ran
        .compose(outcome -> {
          if (outcome.budgetRefused()) {
            return store.budgetRefused(claim, clock.millis(), outcome.retryAtMs());
          }
          // settled: a takeover from here on must not charge the line again (ARCHITECTURE.md §13)
          return store.started(claim, -outcome.costMicroUsd()).compose(v -> keep(claim, outcome)).compose(result -> {
            events.lineFinished(claim.team(), claim.batchId(), result);
            return store.finish(claim, result, clock.millis());
          });
        })
        .onSuccess(finished -> finished.ifPresent(events::batchFinished))
        .onFailure(e -> {
          // the lease ends and another replica takes the line back (UNKNOWN if its hold was recorded)
          LOG.warn("batch {} line {} of team {}: outcome not recorded: {}", claim.batchId(), line.number(),
              claim.team(), e.toString());
          events.storeError("finish", e);
        })
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** The outcome as a result, its images fetched into the object store first. */
  private Future<LineResult> keep(BatchStore.Claim claim, LineOutcome outcome) {
    BatchLine line = claim.line();
    Future<List<String>> kept = outcome.imageUrls().isEmpty() ? Future.succeededFuture(List.of())
        : images.keep(claim.team(), claim.batchId(), line.number(), outcome.imageUrls());
    return kept.map(keys -> new LineResult(line.number(), line.customId(), outcome.state(), outcome.code(),
            outcome.message(), keys, outcome.costMicroUsd(), outcome.queueWaitMs()))
        .recover(e -> {
          events.storeError("image", e);
          return Future.succeededFuture(new LineResult(line.number(), line.customId(), LineState.FAILED,
              "image_store_error", "the images were generated and charged but could not be stored: " + e.getMessage(),
              List.of(), outcome.costMicroUsd(), outcome.queueWaitMs()));
        });
  }

  /** What the runner reports: metrics and audit lines are wired by the caller. */
  public interface BatchEvents {
    void lineFinished(String team, String batchId, LineResult result);

    void batchFinished(Batch batch);

    void storeError(String what, Throwable cause);

    BatchEvents NONE = new BatchEvents() {
      @Override
      public void lineFinished(String team, String batchId, LineResult result) {}

      @Override
      public void batchFinished(Batch batch) {}

      @Override
      public void storeError(String what, Throwable cause) {}
    };
  }
}
