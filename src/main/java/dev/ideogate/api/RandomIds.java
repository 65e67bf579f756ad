package dev.ideogate.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random (version 4) UUIDs for the ids made on every request: its request id, its budget hold and its lane permit.
 * They must not collide, but they are not secrets: nothing is granted to whoever guesses one. So they come from the
 * calling thread's own generator; {@code UUID.randomUUID()} draws from a SecureRandom shared by all event loops,
 * which costs a lock and a hash per id and was 6 % of the in-memory path's allocation (ARCHITECTURE.md §2).
 * Secrets (client keys, dashboard sessions) never come from here.
 */
public final class RandomIds {
  private RandomIds() {}

  public static String uuid() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(high, low).toString();
  }
}
