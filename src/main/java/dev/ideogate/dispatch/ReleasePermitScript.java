package dev.ideogate.dispatch;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/permit_release.lua}: true when the permit was held and is now free. */
final class ReleasePermitScript {
  private final LuaScript script = LuaScript.load("permit_release");

  LuaScript lua() {
    return script;
  }

  Future<Boolean> run(RedisConnector redis, LaneKeys keys, PermitStore.Permit permit) {
    return script.run(redis, List.of(keys.permits(permit.lane())), List.of(permit.id(), keys.freed(permit.lane())))
        .map(reply -> reply.asInt() == 1);
  }
}
