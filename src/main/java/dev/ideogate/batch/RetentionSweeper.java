package dev.ideogate.batch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the stored images of batches whose retention ended (ARCHITECTURE.md §13). Runs on every replica; the store
 * gives each expired batch to one sweeper at a time ({@link BatchStore#takeExpired}) and forgets it only once its
 * images are deleted ({@link BatchStore#swept}); a failed deletion is given back to be tried again a minute later.
 * Deleting a prefix twice is harmless, so a replica dying mid-sweep only delays that batch.
 */
public final class RetentionSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
  /** Batches one sweep takes at most. */
  static final int PER_SWEEP = 20;
  static final long RETRY_MS = 60_000;

  private final Vertx vertx;
  private final BatchStore store;
  private final ObjectStore objects;
  private final Clock clock;
  private final long intervalMs;
  private final BatchRunner.BatchEvents events;
  private long timer = -1;
  private boolean sweeping;

  public RetentionSweeper(Vertx vertx, BatchStore store, ObjectStore objects, Clock clock, long intervalMs,
      BatchRunner.BatchEvents events) {
    this.vertx = vertx;
    this.store = store;
    this.objects = objects;
    this.clock = clock;
    this.intervalMs = intervalMs;
    this.events = events;
  }

  public void start() {
    timer = vertx.setPeriodic(intervalMs, t -> {
      if (!sweeping) {
        sweeping = true;
        sweep().onComplete(done -> sweeping = false);
      }
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One sweep: the images of every batch taken from the store deleted; the batches deleted, as {@code team/id}. */
  public Future<List<String>> sweep() {
    long now = clock.millis();
    return store.takeExpired(now, PER_SWEEP).compose(members -> {
      List<Future<String>> deleted = new ArrayList<>();
      for (String member : members) {
        deleted.add(objects.deletePrefix(member + "/").recover(e -> {
          LOG.warn("images of batch {} not deleted, tried again in {} s: {}", member, RETRY_MS / 1000, e.toString());
          events.storeError("retention", e);
          return store.expireLater(member, now + RETRY_MS).compose(v -> Future.failedFuture(e));
        }).compose(v -> store.swept(member).map(member).recover(e -> {
          // the images are gone; the store gives the batch again after its lease, and deleting twice is harmless
          LOG.warn("batch {} swept but not marked so: {}", member, e.toString());
          events.storeError("retention", e);
          return Future.succeededFuture(member);
        })).otherwise((String) null));
      }
      return Future.join(deleted).transform(done -> {
        List<String> gone = new ArrayList<>();
        for (Future<String> one : deleted) {
          if (one.succeeded() && one.result() != null) {
            gone.add(one.result());
          }
        }
        return Future.succeededFuture(gone);
      });
    }).onFailure(e -> LOG.debug("retention sweep failed: {}", e.toString()));
  }
}
