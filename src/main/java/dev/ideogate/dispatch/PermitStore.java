package dev.ideogate.dispatch;

import io.vertx.core.Future;

/**
 * Where a lane's in-flight permits live: {@link LocalPermitStore} for one replica, {@code RedisPermitStore}
 * (leases in a Redis zset, ARCHITECTURE.md §8) for the whole deployment. The lane decides who goes next; the store only
 * answers "is there room under this limit".
 */
public interface PermitStore {

  /** A permit when fewer than {@code limit} are taken on {@code lane}, else null. */
  Future<Permit> tryAcquire(String lane, int limit);

  /** Returns the permit. Idempotent by permit id. */
  Future<Void> release(Permit permit);

  /** Extends the lease of a permit whose call is still running; false when it had already expired. */
  Future<Boolean> renew(Permit permit);

  /**
   * Whether a permit's lease runs out unless {@link #renew renewed}: the lane arms a heartbeat per call only then. A
   * store whose permits last until released (one replica's memory) answers false.
   */
  default boolean leased() {
    return true;
  }

  /** Permits taken on the lane right now, across every replica the store spans. */
  Future<Integer> inFlight(String lane);

  /**
   * Calls {@code wake} when a permit of {@code lane} is released anywhere while a waiter needs it (may be spurious;
   * a waiter that was refused also polls).
   */
  void onFreed(String lane, Runnable wake);

  /** Shared effective limit (AIMD) of the lane, when the store keeps one; local stores return the argument. */
  default Future<Integer> effectiveLimit(String lane, int localLimit) {
    return Future.succeededFuture(localLimit);
  }

  /**
   * Ideogram answered 429 to the call made under {@code permit} (call it before releasing the permit): lowers the
   * lane's effective limit (AIMD, floor 1); the new limit. Stores without an adaptive limit return {@code maxLimit}.
   */
  default Future<Integer> onThrottled(Permit permit, int maxLimit) {
    return Future.succeededFuture(maxLimit);
  }

  /**
   * Ideogram answered the call made under {@code permit} (call it before releasing the permit): counts toward
   * raising the limit again; the new limit.
   */
  default Future<Integer> onSuccess(Permit permit, int maxLimit) {
    return Future.succeededFuture(maxLimit);
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** A taken slot. */
  record Permit(String lane, String id) {}
}
