package dev.ideogate.dispatch;

import java.util.function.LongSupplier;

/**
 * A lane's effective in-flight limit, additive increase / multiplicative decrease (after Netflix
 * concurrency-limits {@code AIMDLimit}): Ideogram may be stricter than its documented 10 in flight, or the key
 * may be used elsewhere too (ARCHITECTURE.md §8).
 * <pre>
 * on a 429:      limit ← max(1, min(limit − 1, ⌊limit × backoffRatio⌋))
 * on a success:  after successesToIncrease successes in a row since the last change, limit ← min(max, limit + 1)
 * </pre>
 * Defaults: {@code backoffRatio = 0.75}, {@code successesToIncrease = 20}. With a true limit of 6 and a start at
 * 10 it takes two decreases (10 → 7 → 5) to get under; probing back up costs one 429 per about 40 successes
 * (5 → 6 → 7 at 20 each, then 7 → 5), i.e. about 2.5 % retried calls at the true limit.
 *
 * <p>A burst of 429s from one overload must not count as many signals (10 → 7 → 5 → 3 → 2 → 1 on one burst of
 * five). Like TCP, which halves once per round trip, the limit keeps an {@link #epoch()} that advances at each
 * decrease: a caller records the epoch when it dispatches and reports a 429 with {@link #onThrottled(long)}, and
 * only a 429 of a request sent under the current limit decreases it again. {@link #onThrottled()} decreases
 * unconditionally.
 *
 * <p>Not thread-safe: it has one owner (the lane, on the dispatcher's event loop).
 */
public final class AimdLimit {
  public static final double DEFAULT_BACKOFF_RATIO = 0.75;
  public static final int DEFAULT_SUCCESSES_TO_INCREASE = 20;

  private final double backoffRatio;
  private final int successesToIncrease;
  private final long probeIntervalMs;
  private final LongSupplier clockMs;
  private int maxLimit;
  private int ceiling;
  private long ceilingUntilMs;
  private int limit;
  private int successes;
  private long epoch;

  public AimdLimit(int maxLimit) {
    this(maxLimit, DEFAULT_BACKOFF_RATIO, DEFAULT_SUCCESSES_TO_INCREASE);
  }

  /** Starts at {@code maxLimit}: the documented limit is trusted until Ideogram says otherwise. */
  public AimdLimit(int maxLimit, double backoffRatio, int successesToIncrease) {
    this(maxLimit, backoffRatio, successesToIncrease, 0, () -> 0L);
  }

  /**
   * @param probeIntervalMs after a 429 at limit L, the limit climbs back no higher than L − 1 for this long: the
   *     level that was just refused is not probed again at once, so a key whose real limit is lower than configured
   *     settles there instead of drawing a 429 every few dozen calls. 0 = probe freely.
   */
  public AimdLimit(int maxLimit, double backoffRatio, int successesToIncrease, long probeIntervalMs,
      LongSupplier clockMs) {
    if (maxLimit < 1) {
      throw new IllegalArgumentException("maxLimit must be ≥ 1, got " + maxLimit);
    }
    if (!(backoffRatio > 0 && backoffRatio < 1)) {
      throw new IllegalArgumentException("backoffRatio must be in (0, 1), got " + backoffRatio);
    }
    if (successesToIncrease < 1) {
      throw new IllegalArgumentException("successesToIncrease must be ≥ 1, got " + successesToIncrease);
    }
    this.maxLimit = maxLimit;
    this.limit = maxLimit;
    this.backoffRatio = backoffRatio;
    this.successesToIncrease = successesToIncrease;
    this.probeIntervalMs = probeIntervalMs;
    this.clockMs = clockMs;
    this.ceiling = maxLimit;
  }

  public int limit() {
    return limit;
  }

  public int maxLimit() {
    return maxLimit;
  }

  /** Advances at every decrease; record it when dispatching, report it with {@link #onThrottled(long)}. */
  public long epoch() {
    return epoch;
  }

  /** A 429: decrease now. */
  public void onThrottled() {
    if (probeIntervalMs > 0) {
      ceiling = Math.max(1, limit - 1);
      ceilingUntilMs = clockMs.getAsLong() + probeIntervalMs;
    }
    limit = Math.max(1, Math.min(limit - 1, (int) Math.floor(limit * backoffRatio)));
    successes = 0;
    epoch++;
  }

  /**
   * A 429 of a request dispatched in {@code dispatchedInEpoch}: decreases only when that request was sent
   * under the current limit; an older one is an echo of an overload already answered.
   *
   * @return whether the limit decreased
   */
  public boolean onThrottled(long dispatchedInEpoch) {
    if (dispatchedInEpoch != epoch) {
      return false;
    }
    onThrottled();
    return true;
  }

  /** A call Ideogram accepted. */
  public void onSuccess() {
    int cap = probeIntervalMs > 0 && clockMs.getAsLong() < ceilingUntilMs ? Math.min(ceiling, maxLimit) : maxLimit;
    if (limit >= cap) {
      successes = 0;
      return;
    }
    if (++successes >= successesToIncrease) {
      limit++;
      successes = 0;
    }
  }

  /**
   * A new configured limit. Lowering it cuts the limit at once; raising it lifts the limit along only when the
   * limit was not backed off (no 429 says the new one is too high); a backed-off limit climbs as usual.
   */
  public void setMaxLimit(int newMaxLimit) {
    if (newMaxLimit < 1) {
      throw new IllegalArgumentException("maxLimit must be ≥ 1, got " + newMaxLimit);
    }
    if (limit >= maxLimit || limit > newMaxLimit) {
      limit = newMaxLimit;
    }
    maxLimit = newMaxLimit;
  }

  @Override
  public String toString() {
    return "AimdLimit[limit=" + limit + ", max=" + maxLimit + ", epoch=" + epoch + "]";
  }
}
