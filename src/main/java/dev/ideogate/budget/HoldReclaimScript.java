package dev.ideogate.budget;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/hold_reclaim.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class HoldReclaimScript {
  /** Expired holds charged per call: bounds one script's work (and its time inside Redis). */
  static final int MAX_HOLDS_PER_CALL = 64;

  private final LuaScript script = LuaScript.load("hold_reclaim");

  LuaScript lua() {
    return script;
  }

  /**
   * Charges in full up to {@link #MAX_HOLDS_PER_CALL} holds of {@code team} whose lease ran out by {@code nowMs}
   * (Redis' time as this replica sees it, or {@code RedisClock.UNKNOWN}); answers how many it charged.
   */
  Future<Integer> run(RedisConnector redis, BudgetKeys keys, String team, long nowMs) {
    List<String> keyList = List.of(keys.held(team), keys.holds(team), keys.holdsExpired(team),
        keys.legacyHoldAmounts(team));
    return script.run(redis, keyList, List.of(Long.toString(nowMs), Integer.toString(MAX_HOLDS_PER_CALL)))
        .map(reply -> reply.asInt());
  }
}
