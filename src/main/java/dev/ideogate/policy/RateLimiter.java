package dev.ideogate.policy;

import java.util.List;

/**
 * GCRA (the generic cell rate algorithm, ITU-T I.371), the exact form of a token bucket that needs one number per
 * subject: the theoretical arrival time {@code tat} of the next request. For a rate of {@code perMinute} and a
 * bucket of {@code burst}, the emission interval is {@code T = 60 s / perMinute}; a request at {@code now} is
 * admitted when {@code max(tat, now) + T − now ≤ burst·T}, and then {@code tat := max(tat, now) + T}. A refused
 * request changes nothing. All times are µs.
 *
 * <p>{@link #decide} checks several buckets at once (a key's and its team's): the request is admitted only if every
 * bucket admits it, and only then is any of them advanced. {@code lua/rate_limit.lua} is the same arithmetic in
 * Redis; {@code RateLimiterTest} and {@code RateLimitScriptTest} pin both to the same numbers.
 */
public final class RateLimiter {
  private static final long MINUTE_US = 60_000_000L;

  private RateLimiter() {}

  /** A configured limit; perMinute ≥ 1, burst ≥ 1. */
  public record Rate(int perMinute, int burst) {
    public Rate {
      if (perMinute < 1 || burst < 1) {
        throw new IllegalArgumentException("rate needs perMinute ≥ 1 and burst ≥ 1, got " + perMinute + "/" + burst);
      }
    }

    /** µs between two requests at the sustained rate. */
    public long intervalUs() {
      return MINUTE_US / perMinute;
    }

    /** How far ahead of now the tat may run: the whole bucket. */
    public long toleranceUs() {
      return intervalUs() * burst;
    }
  }

  /**
   * The answer for a set of buckets.
   *
   * @param newTatsUs admitted: the tat to store per bucket (same order as given); refused: the unchanged tats
   * @param limit the binding bucket's burst (for {@code RateLimit-Limit})
   * @param remaining requests the binding bucket would still admit right now (after this one when admitted)
   * @param retryAfterUs refused: µs until this request would be admitted; admitted: 0
   * @param resetUs µs until the binding bucket is full again
   */
  public record Decision(boolean admitted, List<Long> newTatsUs, int limit, int remaining, long retryAfterUs,
      long resetUs) {
    public Decision {
      newTatsUs = List.copyOf(newTatsUs);
    }
  }

  /**
   * @param tatsUs stored tat per bucket, 0 when the bucket has none yet
   * @param rates the bucket's rate, same order
   */
  public static Decision decide(List<Long> tatsUs, List<Rate> rates, long nowUs) {
    if (tatsUs.size() != rates.size() || rates.isEmpty()) {
      throw new IllegalArgumentException("one tat per rate, at least one rate");
    }
    int n = rates.size();
    long[] next = new long[n];
    long retryAfterUs = 0;
    for (int i = 0; i < n; i++) {
      Rate rate = rates.get(i);
      next[i] = Math.max(tatsUs.get(i), nowUs) + rate.intervalUs();
      retryAfterUs = Math.max(retryAfterUs, next[i] - nowUs - rate.toleranceUs());
    }
    boolean admitted = retryAfterUs <= 0;
    // The binding bucket is the one with the fewest requests left once this one is counted (or not).
    int binding = 0;
    long fewest = Long.MAX_VALUE;
    long[] after = new long[n];
    for (int i = 0; i < n; i++) {
      Rate rate = rates.get(i);
      after[i] = admitted ? next[i] : Math.max(tatsUs.get(i), nowUs);
      long left = Math.max(0, (rate.toleranceUs() - (after[i] - nowUs)) / rate.intervalUs());
      if (left < fewest) {
        fewest = left;
        binding = i;
      }
    }
    List<Long> stored = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      stored.add(admitted ? next[i] : tatsUs.get(i));
    }
    return new Decision(admitted, stored, rates.get(binding).burst(), (int) fewest,
        admitted ? 0 : retryAfterUs, Math.max(0, after[binding] - nowUs));
  }
}
