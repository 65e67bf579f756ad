package dev.ideogate.dispatch;

/**
 * How a lane behaves: its configured limit (Ideogram's in-flight limit per key), 429 retry policy, and the
 * permit lease heartbeat (0 = the store needs none).
 */
public record LaneSettings(
    int maxInFlight, int maxAttempts, long baseDelayMs, long maxDelayMs, long heartbeatMs, long safetyPollMs) {
  public LaneSettings {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlightPerKey must be ≥ 1, got " + maxInFlight);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry.maxAttempts must be ≥ 1, got " + maxAttempts);
    }
  }
}
