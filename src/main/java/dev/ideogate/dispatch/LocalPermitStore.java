package dev.ideogate.dispatch;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Permits of one replica: a counter per lane, and the lane's {@link AimdLimit}. Correct only when a single replica
 * serves each upstream key.
 */
public final class LocalPermitStore implements PermitStore {
  private final Map<String, Map<String, Boolean>> taken = new HashMap<>();
  private final Map<String, AimdLimit> limits = new HashMap<>();
  private final Map<String, List<Runnable>> listeners = new HashMap<>();

  @Override
  public synchronized Future<Permit> tryAcquire(String lane, int limit) {
    Map<String, Boolean> permits = taken.computeIfAbsent(lane, l -> new HashMap<>());
    if (permits.size() >= Math.min(limit, aimd(lane, limit).limit())) {
      return Future.succeededFuture(null);
    }
    Permit permit = new Permit(lane, UUID.randomUUID().toString());
    permits.put(permit.id(), Boolean.TRUE);
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
    limit.onThrottled();
    return Future.succeededFuture(limit.limit());
  }

  @Override
  public synchronized Future<Integer> onSuccess(Permit permit, int maxLimit) {
    AimdLimit limit = aimd(permit.lane(), maxLimit);
    limit.onSuccess();
    return Future.succeededFuture(limit.limit());
  }

  private AimdLimit aimd(String lane, int maxLimit) {
    AimdLimit limit = limits.computeIfAbsent(lane, l -> new AimdLimit(maxLimit));
    if (limit.maxLimit() != maxLimit) {
      limit.setMaxLimit(maxLimit);
    }
    return limit;
  }
}
