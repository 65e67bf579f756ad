package dev.ideogate.redis;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Redis' own clock (its {@code TIME}), as seen from this replica: sampled every few seconds and carried forward with
 * {@code System.nanoTime()} in between. Scripts that stamp leases take their "now" from here as an argument instead of
 * running {@code TIME} on every call (ARCHITECTURE.md §2): every replica still reads the one clock of the Redis server,
 * to within half a round trip, so leases written by one replica are judged by the same clock by every other.
 *
 * <p>Until the first sample has answered, {@link #nowMs()} is {@link #UNKNOWN}; scripts then read {@code TIME}
 * themselves, so the first calls of a cold replica are exact too.
 */
public final class RedisClock {
  /** What {@link #nowMs()} answers before the first sample: the scripts' cue to read {@code TIME} themselves. */
  public static final long UNKNOWN = -1;
  private static final long RESAMPLE_NS = 5_000_000_000L;
  /**
   * A sample whose round trip took longer than this (the first one opens a connection) is off by up to half of it,
   * so it is retaken after a second rather than five; under load every trip is slow, and a sample a few ms off is
   * still far inside a lease of seconds.
   */
  private static final long PRECISE_NS = 5_000_000L;

  private record Sample(long redisMs, long atNanos, long roundTripNanos) {
    long dueNanos() {
      return atNanos + (roundTripNanos > PRECISE_NS ? RESAMPLE_NS / 5 : RESAMPLE_NS);
    }
  }

  private final RedisConnector redis;
  private final AtomicBoolean sampling = new AtomicBoolean();
  private volatile Sample sample;

  RedisClock(RedisConnector redis) {
    this.redis = redis;
  }

  /** Redis' time in ms since the epoch, or {@link #UNKNOWN}; starts a new sample in the background when due. */
  public long nowMs() {
    Sample known = sample;
    long nowNanos = System.nanoTime();
    if (known == null || nowNanos - known.dueNanos() > 0) {
      resample();
    }
    return known == null ? UNKNOWN : known.redisMs() + (nowNanos - known.atNanos()) / 1_000_000;
  }

  private void resample() {
    if (!sampling.compareAndSet(false, true)) {
      return;
    }
    long sentNanos = System.nanoTime();
    redis.send("TIME").onComplete(answer -> {
      sampling.set(false);
      if (answer.failed()) {
        return; // the next call tries again; until then the last sample (or UNKNOWN) stands
      }
      long receivedNanos = System.nanoTime();
      long redisMs = answer.result().get(0).asLong() * 1000 + answer.result().get(1).asLong() / 1000;
      long roundTrip = receivedNanos - sentNanos;
      // Redis read its clock somewhere in the round trip: the middle is off by at most half of it.
      sample = new Sample(redisMs, sentNanos + roundTrip / 2, roundTrip);
    });
  }
}
