package dev.ideogate.dispatch;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/permit_renew.lua}: true when the lease was live and now runs {@code leaseMs} more. */
final class RenewPermitScript {
  private final LuaScript script = LuaScript.load("permit_renew");

  LuaScript lua() {
    return script;
  }

  /** @param nowMs Redis' time as this replica sees it ({@code RedisClock.nowMs()}), or {@code RedisClock.UNKNOWN} */
  Future<Boolean> run(RedisConnector redis, LaneKeys keys, PermitStore.Permit permit, long leaseMs, long nowMs) {
    return script.run(redis, List.of(keys.permits(permit.lane())),
            List.of(permit.id(), Long.toString(leaseMs), Long.toString(nowMs), keys.freed(permit.lane())))
        .map(reply -> reply.asInt() == 1);
  }
}
