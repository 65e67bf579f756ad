package dev.ideogate.async;

/**
 * Timing of async generations and webhook deliveries. Production defaults; tests scale them down.
 *
 * @param holdLeaseMs lease of an async generation's budget hold: it must outlive the reconcile deadline by far,
 *     since an expired hold is charged in full
 * @param reconcileAfterMs a generation still pending this long after it was accepted is polled upstream
 * @param reconcileIntervalMs how often each replica looks for such generations
 * @param recordTtlMs how long a generation's record is kept (polling and late callbacks need it)
 * @param deliveryAttempts POSTs of one delivery before it is dead-lettered
 * @param deliveryBaseDelayMs backoff base (full jitter, doubled per attempt)
 * @param deliveryMaxDelayMs backoff cap
 * @param deliveryTimeoutMs one POST's timeout
 * @param deliveryPollMs idle wait of a delivery worker between empty reads
 * @param reclaimIdleMs a stream entry unacknowledged this long (its replica died) is reclaimed by another
 * @param alertScanMs how often each replica checks every team's budget thresholds
 * @param replayWindowS callbacks whose timestamp is further than this from now are refused
 */
public record AsyncSettings(
    long holdLeaseMs,
    long reconcileAfterMs,
    long reconcileIntervalMs,
    long recordTtlMs,
    int deliveryAttempts,
    long deliveryBaseDelayMs,
    long deliveryMaxDelayMs,
    long deliveryTimeoutMs,
    long deliveryPollMs,
    long reclaimIdleMs,
    long alertScanMs,
    long replayWindowS) {

  public AsyncSettings {
    if (reconcileAfterMs <= 0 || holdLeaseMs <= 2 * reconcileAfterMs) {
      throw new IllegalArgumentException("holdLeaseMs (" + holdLeaseMs + ") must exceed twice reconcileAfterMs ("
          + reconcileAfterMs + "): the reconciler must settle a generation long before its hold expires");
    }
    if (deliveryAttempts < 1) {
      throw new IllegalArgumentException("deliveryAttempts must be ≥ 1, got " + deliveryAttempts);
    }
    if (reclaimIdleMs < deliveryTimeoutMs + 1_000) {
      throw new IllegalArgumentException("reclaimIdleMs must exceed deliveryTimeoutMs by 1 s or more: a live POST is"
          + " never reclaimed, and the POST lock (timeout + 0.5 s) has expired when a dead replica's entry is");
    }
    if (reconcileIntervalMs <= 0 || deliveryPollMs <= 0 || alertScanMs <= 0 || replayWindowS <= 0) {
      throw new IllegalArgumentException("intervals and the replay window must be > 0");
    }
  }

  /** Hold 1 h, reconcile after 2 min, deliveries: 8 attempts from 1 s to 5 min, replay window 5 min. */
  public static AsyncSettings defaults() {
    return new AsyncSettings(3_600_000, 120_000, 10_000, 172_800_000, 8, 1_000, 300_000, 10_000, 250, 60_000,
        5_000, 300);
  }

  public AsyncSettings withReconcile(long afterMs, long intervalMs) {
    return new AsyncSettings(holdLeaseMs, afterMs, intervalMs, recordTtlMs, deliveryAttempts, deliveryBaseDelayMs,
        deliveryMaxDelayMs, deliveryTimeoutMs, deliveryPollMs, reclaimIdleMs, alertScanMs, replayWindowS);
  }

  public AsyncSettings withDelivery(int attempts, long baseDelayMs, long maxDelayMs, long timeoutMs, long pollMs,
      long reclaimMs) {
    return new AsyncSettings(holdLeaseMs, reconcileAfterMs, reconcileIntervalMs, recordTtlMs, attempts, baseDelayMs,
        maxDelayMs, timeoutMs, pollMs, reclaimMs, alertScanMs, replayWindowS);
  }

  public AsyncSettings withAlertScanMs(long scanMs) {
    return new AsyncSettings(holdLeaseMs, reconcileAfterMs, reconcileIntervalMs, recordTtlMs, deliveryAttempts,
        deliveryBaseDelayMs, deliveryMaxDelayMs, deliveryTimeoutMs, deliveryPollMs, reclaimIdleMs, scanMs,
        replayWindowS);
  }
}
