package dev.ideogate.budget;

import java.util.List;

/**
 * The request-rate buckets a reservation checks first, in the same script (ARCHITECTURE.md §2 step 10): plain data,
 * so that {@code budget} needs nothing of {@code policy}, which owns the GCRA arithmetic on the Java side.
 *
 * @param buckets one or two bucket names of the team ({@code t:<team>}, {@code k:<key id>}); their tats live at
 *     {@code <p>:{t:<team>}:rate:<name>}
 * @param intervalsUs µs between two requests at each bucket's sustained rate, same order, > 0
 * @param bursts requests each bucket admits at once, same order, ≥ 1
 */
public record RateCheck(List<String> buckets, List<Long> intervalsUs, List<Integer> bursts) {
  public RateCheck {
    buckets = List.copyOf(buckets);
    intervalsUs = List.copyOf(intervalsUs);
    bursts = List.copyOf(bursts);
    if (buckets.isEmpty() || buckets.size() > 2 || intervalsUs.size() != buckets.size()
        || bursts.size() != buckets.size()) {
      throw new IllegalArgumentException("one or two buckets, each with an interval and a burst, got " + buckets);
    }
    for (int i = 0; i < buckets.size(); i++) {
      if (!buckets.get(i).matches("[tk]:[A-Za-z0-9._-]{1,100}") || intervalsUs.get(i) <= 0 || bursts.get(i) < 1) {
        throw new IllegalArgumentException("bucket " + buckets.get(i) + " needs a t:/k: name, an interval > 0 and a"
            + " burst ≥ 1");
      }
    }
  }

  /**
   * What the script answered for the buckets.
   *
   * @param limit the binding bucket's burst (the one with the fewest requests left)
   * @param remaining requests the binding bucket still admits right now (after this one when admitted)
   * @param retryAfterUs refused: µs until this request would be admitted; else 0
   * @param resetUs µs until the binding bucket is full again
   * @param tatsUs the tats stored now, one per bucket, same order
   */
  public record Outcome(boolean admitted, int limit, int remaining, long retryAfterUs, long resetUs,
      List<Long> tatsUs) {
    public Outcome {
      tatsUs = List.copyOf(tatsUs);
    }
  }

  /**
   * The reservation was refused by the rate limit: nothing held, nothing written. Carries the outcome; the caller
   * turns it into its 429 (no stack trace: a refusal is no error).
   */
  public static final class Refused extends RuntimeException {
    private final transient Outcome outcome;

    public Refused(Outcome outcome) {
      super("refused by the request-rate limit", null, false, false);
      this.outcome = outcome;
    }

    public Outcome outcome() {
      return outcome;
    }
  }
}
