package dev.ideogate.policy;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits shared by every replica: one Lua script per request ({@code lua/rate_limit.lua}), time from Redis
 * {@code TIME}, so three replicas on one Redis admit together exactly what one would. When Redis fails, 503
 * {@code budget_store_unavailable}; with {@code redis.failMode: open} the composition root puts this store under
 * its fail-open rule (per-replica limits in memory while Redis is down, ARCHITECTURE.md §7).
 */
public final class RedisRateLimitStore implements RateLimitStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimitStore.class);
  private final RedisConnector redis;
  private final RateLimitScript script;

  /** @param redis shared with the other Redis stores of this gateway; not closed here */
  public RedisRateLimitStore(RedisConnector redis, String keyPrefix) {
    this.redis = redis;
    this.script = new RateLimitScript(keyPrefix);
    script.lua().preload(redis).onFailure(e -> LOG.debug("preloading rate_limit.lua failed; it loads on first use"));
  }

  @Override
  public Future<RateLimiter.Decision> acquire(List<Bucket> buckets) {
    return script.run(redis, buckets).recover(err -> {
      if (err instanceof IllegalArgumentException) {
        return Future.failedFuture(err);
      }
      LOG.warn("rate limit store unavailable: {}", err.getClass().getSimpleName());
      return Future.failedFuture(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
          "the rate limit store (Redis) did not answer; retry shortly", 1L));
    });
  }
}
