package dev.ideogate.sim;

/**
 * Fault and timing knobs, for every key or for one. Rates are probabilities in [0, 1] drawn per request (per
 * image for {@code unsafeRate}); 0 and 1 are deterministic.
 *
 * @param latencyMs exact delay before answering, replacing the model's latency and ignoring timeScale; null = model
 * @param maxInFlight overrides the account's in-flight limit; null = the account's
 * @param errorRate5xx share of accepted requests answered 500 after their latency (not billed)
 * @param slowResponseMs when set, the status, headers and first bytes of a success are sent, and the rest of the
 *     body this many ms later: a stalled body
 * @param dropConnectionRate share of accepted requests whose connection is closed instead of answered (billed:
 *     the work was done)
 * @param force429Count the next this-many requests of each key (or of the one key) answer 429
 * @param retryAfterS when set, every 429 carries {@code Retry-After: n}; null = no header, as Ideogram documents
 * @param unsafeRate share of images returned with {@code is_image_safe:false} and a null url
 */
public record SimulatorKnobs(
    Long latencyMs,
    Integer maxInFlight,
    double errorRate5xx,
    Long slowResponseMs,
    double dropConnectionRate,
    int force429Count,
    Integer retryAfterS,
    double unsafeRate) {

  public static final SimulatorKnobs NONE = new SimulatorKnobs(null, null, 0, null, 0, 0, null, 0);

  public SimulatorKnobs {
    requireAtLeast("latencyMs", latencyMs, 0);
    requireAtLeast("maxInFlight", maxInFlight, 1);
    requireAtLeast("slowResponseMs", slowResponseMs, 0);
    requireAtLeast("force429Count", force429Count, 0);
    requireAtLeast("retryAfterS", retryAfterS, 0);
    requireRate("errorRate5xx", errorRate5xx);
    requireRate("dropConnectionRate", dropConnectionRate);
    requireRate("unsafeRate", unsafeRate);
  }

  public SimulatorKnobs withLatencyMs(Long value) {
    return new SimulatorKnobs(value, maxInFlight, errorRate5xx, slowResponseMs, dropConnectionRate, force429Count,
        retryAfterS, unsafeRate);
  }

  public SimulatorKnobs withMaxInFlight(Integer value) {
    return new SimulatorKnobs(latencyMs, value, errorRate5xx, slowResponseMs, dropConnectionRate, force429Count,
        retryAfterS, unsafeRate);
  }

  public SimulatorKnobs withErrorRate5xx(double value) {
    return new SimulatorKnobs(latencyMs, maxInFlight, value, slowResponseMs, dropConnectionRate, force429Count,
        retryAfterS, unsafeRate);
  }

  public SimulatorKnobs withSlowResponseMs(Long value) {
    return new SimulatorKnobs(latencyMs, maxInFlight, errorRate5xx, value, dropConnectionRate, force429Count,
        retryAfterS, unsafeRate);
  }

  public SimulatorKnobs withDropConnectionRate(double value) {
    return new SimulatorKnobs(latencyMs, maxInFlight, errorRate5xx, slowResponseMs, value, force429Count,
        retryAfterS, unsafeRate);
  }

  public SimulatorKnobs withForce429Count(int value) {
    return new SimulatorKnobs(latencyMs, maxInFlight, errorRate5xx, slowResponseMs, dropConnectionRate, value,
        retryAfterS, unsafeRate);
  }

  public SimulatorKnobs withRetryAfterS(Integer value) {
    return new SimulatorKnobs(latencyMs, maxInFlight, errorRate5xx, slowResponseMs, dropConnectionRate,
        force429Count, value, unsafeRate);
  }

  public SimulatorKnobs withUnsafeRate(double value) {
    return new SimulatorKnobs(latencyMs, maxInFlight, errorRate5xx, slowResponseMs, dropConnectionRate,
        force429Count, retryAfterS, value);
  }

  private static void requireAtLeast(String name, Number value, long min) {
    if (value != null && value.longValue() < min) {
      throw new IllegalArgumentException(name + " must be ≥ " + min + ", got " + value);
    }
  }

  private static void requireRate(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
    }
  }
}
