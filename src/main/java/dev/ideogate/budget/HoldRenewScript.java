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

  /** How many of {@code holdIds} (all of {@code team}) were live and are now renewed for {@code leaseMs}. */
  Future<Integer> run(RedisConnector redis, BudgetKeys keys, String team, long leaseMs, List<String> holdIds) {
    if (leaseMs <= 0) {
      return Future.failedFuture(new IllegalArgumentException("hold lease must be > 0 ms, got " + leaseMs));
    }
    List<String> args = new ArrayList<>(1 + holdIds.size());
    args.add(Long.toString(leaseMs));
    args.addAll(holdIds);
    return script.run(redis, List.of(keys.holds(team)), args).map(reply -> reply.asInt());
  }
}
