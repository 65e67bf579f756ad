package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/generation_settle.lua}: the only code that knows its KEYS/ARGV order and reply. */
final class GenerationSettleScript {
  private final LuaScript script = LuaScript.load("generation_settle");

  /**
   * How one async generation ended.
   *
   * @param generationKey the generation's hash ({@link AsyncKeys#generation})
   * @param status completed | failed
   * @param chargedMicroUsd what the ledger charged for it
   * @param images images produced
   */
  record Args(String generationKey, String status, long chargedMicroUsd, int images) {
    Args {
      if (!"completed".equals(status) && !"failed".equals(status)) {
        throw new IllegalArgumentException("status must be completed or failed, got " + status);
      }
      if (chargedMicroUsd < 0 || images < 0) {
        throw new IllegalArgumentException(
            "charge and images must be ≥ 0, got " + chargedMicroUsd + " µUSD and " + images + " images");
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  /** True when this call settled the generation; false when it was already settled or is unknown. */
  Future<Boolean> run(RedisConnector redis, Args args) {
    return script
        .run(redis, List.of(args.generationKey()),
            List.of(args.status(), Long.toString(args.chargedMicroUsd()), Integer.toString(args.images())))
        .map(reply -> reply.asInt() == 1);
  }
}
