package dev.ideogate.budget;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/release.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class ReleaseScript {
  private final LuaScript script = LuaScript.load("release");

  /** Whether this call dropped the hold, or found it already gone. */
  enum Result {
    RELEASED,
    ALREADY_GONE
  }

  LuaScript lua() {
    return script;
  }

  Future<Result> run(RedisConnector redis, BudgetKeys keys, Hold hold) {
    List<String> keyList = List.of(keys.held(hold.team()), keys.holds(hold.team()));
    return script
        .run(redis, keyList, List.of(keys.member(hold), Long.toString(hold.amountMicroUsd())))
        .map(reply -> reply.asInt() == 1 ? Result.RELEASED : Result.ALREADY_GONE);
  }
}
