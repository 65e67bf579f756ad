package dev.ideogate.redis;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a flush of counts summed in memory once, {@code delayMs} after the first request since the last run, so
 * counters written per request cost Redis one pipelined write per second, not one per request (ARCHITECTURE.md §2:
 * key usage, image counts). Requests from any thread; after {@link #stop} nothing more is scheduled.
 */
public final class DelayedFlush {
  private final Vertx vertx;
  private final long delayMs;
  private final Runnable flush;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean stopped;

  public DelayedFlush(Vertx vertx, long delayMs, Runnable flush) {
    this.vertx = vertx;
    this.delayMs = delayMs;
    this.flush = flush;
  }

  /** Schedules the flush unless one is already due. */
  public void request() {
    if (!stopped && scheduled.compareAndSet(false, true)) {
      vertx.setTimer(delayMs, id -> {
        scheduled.set(false);
        flush.run();
      });
    }
  }

  /** No flush is scheduled after this (one already due still runs). */
  public void stop() {
    stopped = true;
  }
}
