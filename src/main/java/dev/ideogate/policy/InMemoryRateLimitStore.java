package dev.ideogate.policy;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The GCRA state of one replica (Redis off): a map bucket → tat, updated under one lock so that checking every
 * bucket of a request and advancing them is atomic. An entry whose tat is in the past carries no information and is
 * dropped when the map grows, so the map stays as small as the set of recently active subjects.
 */
public final class InMemoryRateLimitStore implements RateLimitStore {
  private static final int PRUNE_ABOVE = 10_000;
  private final LongSupplier nowUs;
  private final Map<String, Long> tatsUs = new HashMap<>();

  /** @param nowUs the clock in µs (tests move it) */
  public InMemoryRateLimitStore(LongSupplier nowUs) {
    this.nowUs = nowUs;
  }

  /** The store on {@code clock} (µs = its ms × 1000). */
  public static InMemoryRateLimitStore of(Clock clock) {
    return new InMemoryRateLimitStore(() -> clock.millis() * 1000);
  }

  @Override
  public synchronized Future<RateLimiter.Decision> acquire(List<Bucket> buckets) {
    long now = nowUs.getAsLong();
    List<Long> tats = new ArrayList<>(buckets.size());
    List<RateLimiter.Rate> rates = new ArrayList<>(buckets.size());
    for (Bucket bucket : buckets) {
      tats.add(tatsUs.getOrDefault(key(bucket), 0L));
      rates.add(bucket.rate());
    }
    RateLimiter.Decision decision = RateLimiter.decide(tats, rates, now);
    if (decision.admitted()) {
      if (tatsUs.size() > PRUNE_ABOVE) {
        tatsUs.values().removeIf(tat -> tat <= now);
      }
      for (int i = 0; i < buckets.size(); i++) {
        tatsUs.put(key(buckets.get(i)), decision.newTatsUs().get(i));
      }
    }
    return Future.succeededFuture(decision);
  }

  private static String key(Bucket bucket) {
    return bucket.team() + "/" + bucket.name();
  }
}
