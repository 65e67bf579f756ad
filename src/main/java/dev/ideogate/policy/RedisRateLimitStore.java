package dev.ideogate.policy;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits shared by every replica: one Lua script per request ({@code lua/rate_limit.lua}), time from Redis
 * {@code TIME}, so three replicas on one Redis admit together exactly what one would. When Redis fails:
 * fail-closed (default) refuses with 503 {@code budget_store_unavailable}; fail-open limits per replica in memory.
 */
public final class RedisRateLimitStore implements RateLimitStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimitStore.class);
  private final RedisConnector redis;
  private final RateLimitScript script;
  private final InMemoryRateLimitStore fallback;

  /** @param redis shared with the other Redis stores of this gateway; not closed here */
  public RedisRateLimitStore(RedisConnector redis, String keyPrefix, boolean failOpen, Clock clock) {
    this.redis = redis;
    this.script = new RateLimitScript(keyPrefix);
    this.fallback = failOpen ? InMemoryRateLimitStore.of(clock) : null;
    script.lua().preload(redis).onFailure(e -> LOG.debug("preloading rate_limit.lua failed; it loads on first use"));
  }

  @Override
  public Future<RateLimiter.Decision> acquire(List<Bucket> buckets) {
    return script.run(redis, buckets).recover(err -> {
      if (err instanceof IllegalArgumentException) {
        return Future.failedFuture(err);
      }
      if (fallback != null) {
        return fallback.acquire(buckets);
      }
      LOG.warn("rate limit store unavailable: {}", err.getClass().getSimpleName());
      return Future.failedFuture(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
          "the rate limit store (Redis) did not answer; retry shortly", 1L));
    });
  }
}
