package dev.ideogate.policy;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/key_use.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class KeyUseScript {
  private final LuaScript script = LuaScript.load("key_use");

  /**
   * One request of a client key.
   *
   * @param requestsHourKey the key's request counter of the current hour
   * @param errorsHourKey the key's error counter of the same hour
   * @param lastUsedKey the key's last use (ms since epoch, Redis TIME)
   * @param error whether the answer was an error (≥ 400)
   * @param bucketTtlMs how long an hourly counter is kept
   */
  record Args(String requestsHourKey, String errorsHourKey, String lastUsedKey, boolean error, long bucketTtlMs) {
    Args {
      if (bucketTtlMs <= 0) {
        throw new IllegalArgumentException("bucket TTL must be > 0 ms, got " + bucketTtlMs);
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  /** The key's request count in that hour, this request included. */
  Future<Long> run(RedisConnector redis, Args args) {
    return script
        .run(redis, List.of(args.requestsHourKey(), args.errorsHourKey(), args.lastUsedKey()),
            List.of(args.error() ? "1" : "0", Long.toString(args.bucketTtlMs())))
        .map(reply -> reply.asLong());
  }
}
