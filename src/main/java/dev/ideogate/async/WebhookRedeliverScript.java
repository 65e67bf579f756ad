package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/webhook_redeliver.lua}: the only code that knows its KEYS/ARGV order and reply. */
final class WebhookRedeliverScript {
  private final LuaScript script = LuaScript.load("webhook_redeliver");

  /**
   * @param deadKey the list of dead letters
   * @param streamKey the delivery stream the delivery goes back to
   * @param deadJson the dead letter exactly as stored in the list
   * @param deliveryJson the delivery to make, as a first attempt
   */
  record Args(String deadKey, String streamKey, String deadJson, String deliveryJson) {}

  LuaScript lua() {
    return script;
  }

  /** True when this call took the dead letter and queued its delivery; false when it was no longer listed. */
  Future<Boolean> run(RedisConnector redis, Args args) {
    return script.run(redis, List.of(args.deadKey(), args.streamKey()), List.of(args.deadJson(), args.deliveryJson()))
        .map(reply -> reply.asLong() == 1);
  }
}
