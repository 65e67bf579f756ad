package dev.ideogate;

import dev.ideogate.policy.InMemoryRateLimitStore;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.policy.RateLimiter;
import io.vertx.core.Future;
import java.util.List;

/** The Redis rate limits under {@link FailOpen}: this replica's own GCRA buckets while Redis does not answer. */
final class FailOpenRateLimits implements RateLimitStore {
  private final RateLimitStore shared;
  private final InMemoryRateLimitStore local;
  private final FailOpen rule;

  FailOpenRateLimits(RateLimitStore shared, InMemoryRateLimitStore local, FailOpen rule) {
    this.shared = shared;
    this.local = local;
    this.rule = rule;
  }

  @Override
  public Future<RateLimiter.Decision> acquire(List<Bucket> buckets) {
    return rule.call(() -> shared.acquire(buckets), () -> local.acquire(buckets));
  }

  @Override
  public Future<Void> close() {
    return shared.close();
  }
}
