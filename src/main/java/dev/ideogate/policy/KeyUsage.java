package dev.ideogate.policy;

import java.time.Instant;

/**
 * What the gateway saw of one client key: requests and errors (answers ≥ 400) in the last 24 hours, counted in
 * whole hours (the current hour and the 23 before it), and the time of its latest request.
 *
 * @param lastUsed null when the key was never used (or not within the 400 days a last use is kept)
 */
public record KeyUsage(long requests24h, long errors24h, Instant lastUsed) {
  public static final KeyUsage NONE = new KeyUsage(0, 0, null);
  /** Hourly buckets summed into "the last 24 h". */
  public static final int HOURS = 24;
}
