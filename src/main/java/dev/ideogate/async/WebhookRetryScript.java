package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/webhook_retry.lua}: the only code that knows its KEYS/ARGV order. */
final class WebhookRetryScript {
  private final LuaScript script = LuaScript.load("webhook_retry");

  /**
   * @param streamKey the delivery stream
   * @param retryKey the zset of scheduled retries
   * @param deadKey the list of dead letters
   * @param lockKey the delivery id's POST lock
   * @param group the consumer group
   * @param entryId the failed stream entry
   * @param nextJson the next attempt, or the dead letter when {@code deadLetter}
   * @param delayMs ms until the next attempt is due
   * @param deadLetter push {@code nextJson} to the dead list instead of scheduling it
   * @param maxDead dead letters kept
   */
  record Args(String streamKey, String retryKey, String deadKey, String lockKey, String group, String entryId,
      String nextJson, long delayMs, boolean deadLetter, int maxDead) {
    Args {
      if (delayMs < 0 || maxDead < 1) {
        throw new IllegalArgumentException("delay must be ≥ 0 ms and max dead ≥ 1, got " + delayMs + ", " + maxDead);
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  Future<Void> run(RedisConnector redis, Args args) {
    return script
        .run(redis, List.of(args.streamKey(), args.retryKey(), args.deadKey(), args.lockKey()),
            List.of(args.group(), args.entryId(), args.nextJson(), Long.toString(args.delayMs()),
                args.deadLetter() ? "1" : "0", Integer.toString(args.maxDead())))
        .mapEmpty();
  }
}
