package dev.ideogate.budget;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** Java side of {@code lua/hold_renew.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class HoldRenewScript {
  private final LuaScript script = LuaScript.load("hold_renew");

  LuaScript lua() {
    return script;
  }

  /**
   * How many of {@code members} (holds of {@code team}, {@link BudgetKeys#member}) were live and are now renewed for
   * {@code leaseMs}; {@code nowMs} is Redis' time as this replica sees it, or {@code RedisClock.UNKNOWN}.
   */
  Future<Integer> run(RedisConnector redis, BudgetKeys keys, String team, long leaseMs, long nowMs,
      List<String> members) {
    if (leaseMs <= 0) {
      return Future.failedFuture(new IllegalArgumentException("hold lease must be > 0 ms, got " + leaseMs));
    }
    List<String> args = new ArrayList<>(2 + members.size());
    args.add(Long.toString(leaseMs));
    args.add(Long.toString(nowMs));
    args.addAll(members);
    return script.run(redis, List.of(keys.holds(team)), args).map(reply -> reply.asInt());
  }
}
