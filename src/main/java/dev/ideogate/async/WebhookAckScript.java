package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/webhook_ack.lua}: the only code that knows its KEYS/ARGV order. */
final class WebhookAckScript {
  private final LuaScript script = LuaScript.load("webhook_ack");

  /**
   * @param streamKey the delivery stream
   * @param doneKey the delivery id's done mark
   * @param lockKey the delivery id's POST lock
   * @param group the consumer group
   * @param entryId the stream entry to acknowledge and delete
   * @param markDone true to remember the delivery id as delivered (and drop its lock), false to only drop the entry
   * @param doneTtlS seconds the done mark is kept
   */
  record Args(String streamKey, String doneKey, String lockKey, String group, String entryId, boolean markDone,
      long doneTtlS) {
    Args {
      if (doneTtlS <= 0) {
        throw new IllegalArgumentException("done mark must live > 0 s, got " + doneTtlS);
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  Future<Void> run(RedisConnector redis, Args args) {
    return script
        .run(redis, List.of(args.streamKey(), args.doneKey(), args.lockKey()),
            List.of(args.group(), args.entryId(), args.markDone() ? "1" : "0", Long.toString(args.doneTtlS())))
        .mapEmpty();
  }
}
