package dev.ideogate.policy;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/key_use.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class KeyUseScript {
  private final LuaScript script = LuaScript.load("key_use");

  /**
   * One flush of a client key's requests.
   *
   * @param requestsHourKey the key's request counter of the current hour
   * @param errorsHourKey the key's error counter of the same hour
   * @param lastUsedKey the key's last use (ms since epoch, Redis TIME)
   * @param requests requests to add, ≥ 1
   * @param errors of those, answers ≥ 400
   * @param bucketTtlMs how long an hourly counter is kept
   * @param nowMs Redis' time as this replica sees it ({@code RedisClock.nowMs()}), or {@code RedisClock.UNKNOWN}
   */
  record Args(String requestsHourKey, String errorsHourKey, String lastUsedKey, long requests, long errors,
      long bucketTtlMs, long nowMs) {
    Args {
      if (requests < 1 || errors < 0 || errors > requests) {
        throw new IllegalArgumentException("need 1 ≤ requests and 0 ≤ errors ≤ requests, got " + requests + ", "
            + errors);
      }
      if (bucketTtlMs <= 0) {
        throw new IllegalArgumentException("bucket TTL must be > 0 ms, got " + bucketTtlMs);
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  /** The key's request count in that hour, this flush included. */
  Future<Long> run(RedisConnector redis, Args args) {
    return script
        .run(redis, List.of(args.requestsHourKey(), args.errorsHourKey(), args.lastUsedKey()),
            List.of(Long.toString(args.requests()), Long.toString(args.errors()), Long.toString(args.bucketTtlMs()),
                Long.toString(args.nowMs())))
        .map(reply -> reply.asLong());
  }
}
