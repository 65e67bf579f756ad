package dev.ideogate.dispatch;

import java.util.function.DoubleSupplier;

/**
 * Full-jitter exponential backoff (ARCHITECTURE.md §8; "Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
 * <pre>delay = random × min(maxDelay, baseDelay · 2^(attempt − 1))</pre>
 * with {@code random} uniform in [0, 1). Jitter spreads the retries of many queued requests that met the same
 * 429, so they do not return to Ideogram in one wave.
 */
public final class Backoff {

  private Backoff() {}

  /**
   * @param attempt 1-based number of the retry being scheduled
   * @param random uniform in [0, 1], e.g. {@code ThreadLocalRandom.current()::nextDouble}
   */
  public static long delayMs(int attempt, long baseDelayMs, long maxDelayMs, DoubleSupplier random) {
    double r = random.getAsDouble();
    if (!(r >= 0 && r <= 1)) {
      throw new IllegalArgumentException("random must be in [0, 1], got " + r);
    }
    return (long) (r * ceilingMs(attempt, baseDelayMs, maxDelayMs));
  }

  /** The un-jittered bound min(maxDelay, baseDelay · 2^(attempt − 1)), without overflowing. */
  public static long ceilingMs(int attempt, long baseDelayMs, long maxDelayMs) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be ≥ 1, got " + attempt);
    }
    if (baseDelayMs < 0 || maxDelayMs < 0) {
      throw new IllegalArgumentException(
          "delays must be ≥ 0, got baseDelayMs=" + baseDelayMs + " maxDelayMs=" + maxDelayMs);
    }
    int shift = attempt - 1;
    // base · 2^shift > max  ⇔  base > max >> shift (for shift < 63); beyond that any non-zero base overflows.
    if (baseDelayMs == 0) {
      return 0;
    }
    if (shift >= 63 || baseDelayMs > (maxDelayMs >> shift)) {
      return maxDelayMs;
    }
    return baseDelayMs << shift;
  }
}
