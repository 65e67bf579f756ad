package dev.ideogate;

import dev.ideogate.dispatch.DispatcherVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful drain (ARCHITECTURE.md §9): once started, readiness turns false and new requests get 503
 * {@code shutting_down}; requests already admitted, queued or in flight finish (holds settled or released, permits
 * returned) until none is left or the grace period ends.
 */
final class GracefulDrain {
  private static final long CHECK_MS = 50;
  private final Vertx vertx;
  private final DispatcherVerticle dispatcher;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger active = new AtomicInteger();

  GracefulDrain(Vertx vertx, DispatcherVerticle dispatcher) {
    this.vertx = vertx;
    this.dispatcher = dispatcher;
  }

  /** Whether the drain has started (readiness false, new requests refused). */
  boolean draining() {
    return draining.get();
  }

  /** Counts the request as active until its response ends. */
  void track(RoutingContext ctx) {
    active.incrementAndGet();
    ctx.addEndHandler(v -> active.decrementAndGet());
  }

  /** Starts the drain; completes when no request is active and every lane is idle, or after {@code grace}. */
  Future<Void> idle(Duration grace) {
    draining.set(true);
    Promise<Void> idle = Promise.promise();
    long deadline = vertx.setTimer(Math.max(1, grace.toMillis()), t -> idle.tryComplete());
    vertx.setPeriodic(CHECK_MS, id -> {
      boolean lanesIdle = dispatcher.lanes().stream().allMatch(l -> l.inFlight() == 0 && l.queued() == 0);
      if (active.get() == 0 && lanesIdle || idle.future().isComplete()) {
        vertx.cancelTimer(id);
        vertx.cancelTimer(deadline);
        idle.tryComplete();
      }
    });
    return idle.future();
  }
}
