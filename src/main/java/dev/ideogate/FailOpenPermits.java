package dev.ideogate;

import dev.ideogate.dispatch.LocalPermitStore;
import dev.ideogate.dispatch.PermitStore;
import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis permits under {@link FailOpen}: while Redis does not answer, each lane takes this replica's own permits,
 * still at most {@code upstream.maxInFlightPerKey} per key on this replica (ARCHITECTURE.md §8). A permit is
 * renewed, reported and returned to the store that granted it. Just after Redis comes back, permits granted
 * locally still run beside the Redis ones until they end (at most one call's time).
 */
final class FailOpenPermits implements PermitStore {
  private final PermitStore shared;
  private final LocalPermitStore local;
  private final FailOpen rule;
  private final Set<String> grantedLocally = ConcurrentHashMap.newKeySet();

  FailOpenPermits(PermitStore shared, LocalPermitStore local, FailOpen rule) {
    this.shared = shared;
    this.local = local;
    this.rule = rule;
  }

  @Override
  public Future<Permit> tryAcquire(String lane, int limit) {
    return rule.call(() -> shared.tryAcquire(lane, limit), () -> local.tryAcquire(lane, limit).onSuccess(permit -> {
      if (permit != null) {
        grantedLocally.add(permit.id());
      }
    }));
  }

  @Override
  public Future<Void> release(Permit permit) {
    return grantedLocally.remove(permit.id()) ? local.release(permit) : shared.release(permit);
  }

  @Override
  public Future<Boolean> renew(Permit permit) {
    return grantedLocally.contains(permit.id()) ? local.renew(permit) : shared.renew(permit);
  }

  @Override
  public Future<Integer> inFlight(String lane) {
    return rule.call(() -> shared.inFlight(lane), () -> local.inFlight(lane));
  }

  /** A lane waits on both: a local permit freed wakes it during an outage, a Redis one otherwise. */
  @Override
  public void onFreed(String lane, Runnable wake) {
    shared.onFreed(lane, wake);
    local.onFreed(lane, wake);
  }

  @Override
  public Future<Integer> effectiveLimit(String lane, int localLimit) {
    return rule.call(() -> shared.effectiveLimit(lane, localLimit), () -> local.effectiveLimit(lane, localLimit));
  }

  @Override
  public Future<Integer> onThrottled(Permit permit, int maxLimit) {
    return grantedLocally.contains(permit.id()) ? local.onThrottled(permit, maxLimit)
        : shared.onThrottled(permit, maxLimit);
  }

  @Override
  public Future<Integer> onSuccess(Permit permit, int maxLimit) {
    return grantedLocally.contains(permit.id()) ? local.onSuccess(permit, maxLimit) : shared.onSuccess(permit, maxLimit);
  }

  @Override
  public Future<Void> close() {
    return shared.close();
  }
}
