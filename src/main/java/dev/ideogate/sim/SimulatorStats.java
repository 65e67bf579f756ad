package dev.ideogate.sim;

/**
 * What the simulator observed for one API key, named by its fingerprint (never the key).
 *
 * @param requests authenticated arrivals
 * @param accepted answered 2xx
 * @param rejected429 answered 429 (in-flight limit or forced)
 * @param images images returned (unsafe ones included: they are billed)
 * @param creditsUsedMicroUsd credits charged
 * @param creditsRemainingMicroUsd balance left, null = unlimited
 * @param inFlight requests admitted and not yet answered
 * @param maxConcurrency the most requests ever in flight at once: proves the caller kept the limit
 * @param lastPath path of the latest arrival, null if none
 * @param lastTraceparent the W3C {@code traceparent} header of the latest arrival, null if none
 * @param lastRequestId the {@code X-Request-Id} header of the latest arrival, null if none
 */
public record SimulatorStats(
    String keyFingerprint,
    long requests,
    long accepted,
    long rejected429,
    long images,
    long creditsUsedMicroUsd,
    Long creditsRemainingMicroUsd,
    int inFlight,
    int maxConcurrency,
    String lastPath,
    String lastTraceparent,
    String lastRequestId) {

  public static SimulatorStats empty(String keyFingerprint) {
    return new SimulatorStats(keyFingerprint, 0, 0, 0, 0, 0, null, 0, 0, null, null, null);
  }
}
