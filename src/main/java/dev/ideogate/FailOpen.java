package dev.ideogate;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.ops.GatewayMetrics;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one fail-open rule ({@code redis.failMode: open}, ARCHITECTURE.md §7), for one store: a call goes to the
 * shared (Redis) store; when Redis cannot answer, it is answered by this replica's local store instead, loudly (a
 * WARN once per outage, {@code ideogate_fail_open_active{store}} = 1, {@code ideogate_fail_open_total{store}} per
 * call answered locally). While the outage lasts, calls go local at once, and one call per {@link #PROBE_MS} tries
 * Redis again, so a frozen Redis costs each request one command timeout at most once a second, not every time; the
 * first answer from Redis ends the outage. A refusal Redis gives (budget exceeded, rate limited) is an answer.
 *
 * <p>During an outage each replica enforces alone: N replicas may together admit up to N times a limit. That is
 * the operator's explicit choice; {@code failMode: closed} (the default) answers 503 instead.
 */
final class FailOpen {
  /** While Redis is down, how often one call tries it again. */
  static final long PROBE_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(FailOpen.class);

  private final String store;
  private final Clock clock;
  private final GatewayMetrics metrics;
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile long nextProbeMs;

  /** @param store the metric label and log name: {@code budget}, {@code rate_limits}, {@code permits} */
  FailOpen(String store, Clock clock, GatewayMetrics metrics) {
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
    metrics.failOpenActive(store, false);
  }

  /** {@code shared} when Redis answers, else {@code local}. */
  <T> Future<T> call(Supplier<Future<T>> shared, Supplier<Future<T>> local) {
    if (down.get() && clock.millis() < nextProbeMs) {
      return local(local);
    }
    return shared.get().transform(answer -> {
      if (answer.succeeded() || !redisDown(answer.cause())) {
        if (down.compareAndSet(true, false)) {
          metrics.failOpenActive(store, false);
          LOG.info("{} store: Redis answers again; enforcing across all replicas again", store);
        }
        return answer.succeeded() ? Future.succeededFuture(answer.result()) : Future.failedFuture(answer.cause());
      }
      nextProbeMs = clock.millis() + PROBE_MS;
      if (down.compareAndSet(false, true)) {
        metrics.failOpenActive(store, true);
        LOG.warn("{} STORE FAILING OPEN: Redis did not answer ({}); this replica enforces alone with a local store"
            + " until Redis answers, so replicas together may exceed a limit", store, answer.cause().toString());
      }
      return local(local);
    });
  }

  /** Whether this store is answering locally right now. */
  boolean active() {
    return down.get();
  }

  private <T> Future<T> local(Supplier<Future<T>> local) {
    metrics.failedOpen(store);
    return local.get();
  }

  /**
   * Redis did not answer: the stores report it as {@code budget_store_unavailable}, or fail with the client's own
   * error (connection refused, timeout). A bad argument is a bug, not an outage.
   */
  static boolean redisDown(Throwable cause) {
    if (cause instanceof GatewayException e) {
      return e.error() == ErrorCode.BUDGET_STORE_UNAVAILABLE;
    }
    return !(cause instanceof IllegalArgumentException);
  }
}
