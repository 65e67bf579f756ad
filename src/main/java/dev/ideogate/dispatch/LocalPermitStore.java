package dev.ideogate.dispatch;

import dev.ideogate.api.RandomIds;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Permits of one replica: the permits taken per lane (each remembering the AIMD epoch it was granted in), and the
 * lane's {@link AimdLimit}. Correct only when a single replica serves each upstream key.
 */
public final class LocalPermitStore implements PermitStore {
  private final Map<String, Map<String, Long>> taken = new HashMap<>();
  private final Map<String, AimdLimit> limits = new HashMap<>();
  private final Map<String, List<Runnable>> listeners = new HashMap<>();
  /** A refused level is not probed again for this long (see {@link AimdLimit}); the Redis store uses the same. */
  static final long PROBE_INTERVAL_MS = 60_000;

  @Override
  public synchronized Future<Permit> tryAcquire(String lane, int limit) {
    Map<String, Long> permits = taken.computeIfAbsent(lane, l -> new HashMap<>());
    if (permits.size() >= Math.min(limit, aimd(lane, limit).limit())) {
      return Future.succeededFuture(null);
    }
    Permit permit = new Permit(lane, RandomIds.uuid());
    permits.put(permit.id(), aimd(lane, limit).epoch());
    return Future.succeededFuture(permit);
  }

  @Override
  public Future<Void> release(Permit permit) {
    boolean removed;
    List<Runnable> wake;
    synchronized (this) {
      removed = taken.getOrDefault(permit.lane(), Map.of()).remove(permit.id()) != null;
      wake = listeners.getOrDefault(permit.lane(), List.of());
    }
    if (removed) {
      wake.forEach(Runnable::run);
    }
    return Future.succeededFuture();
  }

  /** Permits here last until released: no lease, so no heartbeat. */
  @Override
  public boolean leased() {
    return false;
  }

  @Override
  public synchronized Future<Boolean> renew(Permit permit) {
    return Future.succeededFuture(taken.getOrDefault(permit.lane(), Map.of()).containsKey(permit.id()));
  }

  @Override
  public synchronized Future<Integer> inFlight(String lane) {
    return Future.succeededFuture(taken.getOrDefault(lane, Map.of()).size());
  }

  @Override
  public synchronized void onFreed(String lane, Runnable wake) {
    listeners.computeIfAbsent(lane, l -> new CopyOnWriteArrayList<>()).add(wake);
  }

  @Override
  public synchronized Future<Integer> effectiveLimit(String lane, int localLimit) {
    return Future.succeededFuture(Math.min(localLimit, aimd(lane, localLimit).limit()));
  }

  @Override
  public synchronized Future<Integer> onThrottled(Permit permit, int maxLimit) {
    AimdLimit limit = aimd(permit.lane(), maxLimit);
    Long epoch = taken.getOrDefault(permit.lane(), Map.of()).get(permit.id());
    limit.onThrottled(epoch == null ? limit.epoch() : epoch); // one wave of 429s lowers the limit once
    return Future.succeededFuture(limit.limit());
  }

  @Override
  public synchronized Future<Integer> onSuccess(Permit permit, int maxLimit) {
    AimdLimit limit = aimd(permit.lane(), maxLimit);
    limit.onSuccess();
    return Future.succeededFuture(limit.limit());
  }

  private AimdLimit aimd(String lane, int maxLimit) {
    AimdLimit limit = limits.computeIfAbsent(lane, l -> new AimdLimit(maxLimit, AimdLimit.DEFAULT_BACKOFF_RATIO,
        AimdLimit.DEFAULT_SUCCESSES_TO_INCREASE, PROBE_INTERVAL_MS, LocalPermitStore::monotonicMs));
    if (limit.maxLimit() != maxLimit) {
      limit.setMaxLimit(maxLimit);
    }
    return limit;
  }

  // The probe interval is a duration: a monotonic clock, unmoved by wall-clock steps.
  private static long monotonicMs() {
    return System.nanoTime() / 1_000_000;
  }
}
