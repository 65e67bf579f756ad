package dev.ideogate.batch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's share of the batch work (ARCHITECTURE.md §13): claims lines of any batch from the shared store, up
 * to {@code linesPerReplica} at once, runs each through the {@link LineExecutor}, keeps its images
 * ({@link ImageKeeper}) and records its outcome. The leases of its lines are renewed every third of the lease while
 * they run, so a long line stays with a live replica; lines of a replica that died are taken back by the store when
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
  /** The claims this replica runs now, by batch ({@code <team>/<id>}): their leases are renewed. */
  private final Map<String, Set<BatchStore.Claim>> runningByBatch = new ConcurrentHashMap<>();
  private int running;
  private boolean claiming;
  private boolean stopped;
  private long timer = -1;
  private long renewTimer = -1;

  /** Points of a line where {@link #pauseForTest} can stop it, as a replica frozen or killed there would. */
  enum Step {
    /** The charge is recorded in the store; the hold is not settled yet. */
    CHARGE_RECORDED,
    /** The hold is settled (or released); the line's images and outcome are not recorded yet. */
    SETTLED
  }

  /** Test hook: a line waits at each {@link Step} for the future this returns (never completing: stopped there). */
  volatile BiFunction<Step, BatchStore.Claim, Future<Void>> pauseForTest = (step, claim) -> Future.succeededFuture();

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
      renewTimer = vertx.setPeriodic(Math.max(1, leaseMs / 3), t -> renewLeases());
      fill();
    });
  }

  /** Claims no more lines; lines running finish (their outcomes are recorded, their leases renewed). */
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Stops renewing leases too (this replica is closing; a line not finished by then is taken over). */
  void close() {
    stop();
    if (renewTimer >= 0) {
      vertx.cancelTimer(renewTimer);
    }
  }

  /** One renewal per batch with lines running here; a line no longer this replica's is not renewed. */
  private void renewLeases() {
    long now = clock.millis();
    runningByBatch.forEach((batch, claims) -> store.renew(List.copyOf(claims), now, leaseMs)
        .onFailure(e -> LOG.debug("lease renewal of batch {} failed: {}", batch, e.toString())));
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
    String batch = claim.team() + "/" + claim.batchId();
    runningByBatch.computeIfAbsent(batch, b -> ConcurrentHashMap.newKeySet()).add(claim);
    Function<LineHold, Future<Void>> record = hold -> store.record(claim, hold)
        .compose(v -> hold.charging() ? pauseForTest.apply(Step.CHARGE_RECORDED, claim) : Future.succeededFuture());
    Future<LineOutcome> ran = claim.takenOver() ? executor.takeOver(claim, record) : executor.run(claim, record);
    return ran
        .compose(outcome -> pauseForTest.apply(Step.SETTLED, claim).map(outcome))
        .compose(outcome -> {
          if (outcome.budgetRefused()) {
            return store.budgetRefused(claim, clock.millis(), outcome.retryAtMs());
          }
          // the charge is recorded and settled: a takeover from here on settles nothing more (ARCHITECTURE.md §13)
          return keep(claim, outcome).compose(result -> {
            events.lineFinished(claim.team(), claim.batchId(), result);
            return store.finish(claim, result, clock.millis());
          });
        })
        .onSuccess(finished -> finished.ifPresent(events::batchFinished))
        .onFailure(e -> {
          if (e instanceof BatchStore.TakenBack) {
            LOG.info("batch {} line {} of team {} was taken over by another replica", claim.batchId(), line.number(),
                claim.team());
            return;
          }
          // the lease ends and another replica takes the line back (UNKNOWN if its hold was recorded)
          LOG.warn("batch {} line {} of team {}: outcome not recorded: {}", claim.batchId(), line.number(),
              claim.team(), e.toString());
          events.storeError("finish", e);
        })
        .<Void>mapEmpty().recover(e -> Future.succeededFuture())
        .onComplete(done -> {
          runningByBatch.computeIfPresent(batch, (b, claims) -> {
            claims.remove(claim);
            return claims.isEmpty() ? null : claims;
          });
        });
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
