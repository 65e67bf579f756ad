package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/webhook_move_due.lua}: the only code that knows its KEYS/ARGV order and reply. */
final class WebhookMoveDueScript {
  private final LuaScript script = LuaScript.load("webhook_move_due");

  /**
   * @param retryKey the zset of scheduled retries (due time by Redis TIME)
   * @param streamKey the delivery stream the due ones go back to
   * @param maxMoved at most this many per call
   */
  record Args(String retryKey, String streamKey, int maxMoved) {
    Args {
      if (maxMoved < 0) {
        throw new IllegalArgumentException("max moved must be ≥ 0, got " + maxMoved);
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  /** How many due retries went back onto the stream. */
  Future<Integer> run(RedisConnector redis, Args args) {
    return script
        .run(redis, List.of(args.retryKey(), args.streamKey()), List.of(Integer.toString(args.maxMoved())))
        .map(reply -> reply.asInt());
  }
}
