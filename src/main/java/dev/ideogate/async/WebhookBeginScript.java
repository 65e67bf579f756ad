package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/webhook_begin.lua}: the only code that knows its KEYS/ARGV order and reply. */
final class WebhookBeginScript {
  private final LuaScript script = LuaScript.load("webhook_begin");

  /**
   * @param doneKey set once the delivery id got a 2xx
   * @param lockKey the replica POSTing the delivery right now
   * @param owner this replica's consumer name
   * @param lockMs how long the lock lives (longer than one POST's timeout)
   */
  record Args(String doneKey, String lockKey, String owner, long lockMs) {
    Args {
      if (lockMs <= 0) {
        throw new IllegalArgumentException("lock must live > 0 ms, got " + lockMs);
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  Future<DeliveryQueue.Begin> run(RedisConnector redis, Args args) {
    return script
        .run(redis, List.of(args.doneKey(), args.lockKey()), List.of(args.owner(), Long.toString(args.lockMs())))
        .map(reply -> switch (reply.asString()) {
          case "go" -> DeliveryQueue.Begin.GO;
          case "done" -> DeliveryQueue.Begin.DONE;
          default -> DeliveryQueue.Begin.BUSY;
        });
  }
}
