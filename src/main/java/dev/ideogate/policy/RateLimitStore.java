package dev.ideogate.policy;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where the GCRA state lives: {@link RedisRateLimitStore} (one Lua script, shared by every replica, time from Redis
 * {@code TIME}) or {@link InMemoryRateLimitStore} (one replica, when Redis is off). Both admit or refuse all
 * buckets of a request together: a refused request consumes nothing.
 */
public interface RateLimitStore {

  /**
   * One bucket: a name unique to its subject (e.g. {@code t:marketing}, {@code k:marketing-batch}, {@code s:<hash of a
   * client address>} for dashboard sign-ins) and its rate.
   */
  record Bucket(String team, String name, RateLimiter.Rate rate) {
    public Bucket {
      if (!name.matches("[tks]:[A-Za-z0-9._-]{1,100}")) {
        throw new IllegalArgumentException("bucket name must be t:<team>, k:<key id> or s:<address hash>, got '"
            + name + "'");
      }
    }
  }

  /** Admits or refuses one request against every bucket (1 or 2, all of the same team). */
  Future<RateLimiter.Decision> acquire(List<Bucket> buckets);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
