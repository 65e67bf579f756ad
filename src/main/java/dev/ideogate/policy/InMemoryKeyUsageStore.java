package dev.ideogate.policy;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link KeyUsageStore} of one replica: per key, a ring of 24 hourly buckets stamped with their hour. */
public final class InMemoryKeyUsageStore implements KeyUsageStore {
  private final Clock clock;
  private final Map<String, Counters> byKey = new HashMap<>();

  private static final class Counters {
    final long[] hours = new long[KeyUsage.HOURS];
    final long[] requests = new long[KeyUsage.HOURS];
    final long[] errors = new long[KeyUsage.HOURS];
    Instant lastUsed;
  }

  public InMemoryKeyUsageStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void record(String keyId, boolean error) {
    Instant now = clock.instant();
    long hour = now.getEpochSecond() / 3600;
    Counters counters = byKey.computeIfAbsent(keyId, id -> new Counters());
    int slot = (int) (hour % KeyUsage.HOURS);
    if (counters.hours[slot] != hour) {
      counters.hours[slot] = hour;
      counters.requests[slot] = 0;
      counters.errors[slot] = 0;
    }
    counters.requests[slot]++;
    if (error) {
      counters.errors[slot]++;
    }
    if (counters.lastUsed == null || now.isAfter(counters.lastUsed)) {
      counters.lastUsed = now;
    }
  }

  @Override
  public synchronized Future<Map<String, KeyUsage>> usage(Collection<String> keyIds) {
    long hour = clock.instant().getEpochSecond() / 3600;
    Map<String, KeyUsage> result = new LinkedHashMap<>();
    for (String id : keyIds) {
      Counters counters = byKey.get(id);
      if (counters == null) {
        result.put(id, KeyUsage.NONE);
        continue;
      }
      long requests = 0;
      long errors = 0;
      for (int slot = 0; slot < KeyUsage.HOURS; slot++) {
        if (counters.hours[slot] > hour - KeyUsage.HOURS && counters.hours[slot] <= hour) {
          requests += counters.requests[slot];
          errors += counters.errors[slot];
        }
      }
      result.put(id, new KeyUsage(requests, errors, counters.lastUsed));
    }
    return Future.succeededFuture(result);
  }
}
