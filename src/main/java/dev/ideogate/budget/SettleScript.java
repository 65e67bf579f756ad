package dev.ideogate.budget;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import dev.ideogate.redis.Reply;
import java.util.List;
import java.util.OptionalLong;

/** Java side of {@code lua/settle.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class SettleScript {
  private final LuaScript script = LuaScript.load("settle");

  /** What a request really cost; all money in µUSD. Limits are the team's current ones (for remaining). */
  record Args(
      Hold hold,
      long chargeMicroUsd,
      long dailyLimitMicroUsd,
      OptionalLong monthlyLimitMicroUsd) {
    Args {
      if (chargeMicroUsd < 0) {
        throw new IllegalArgumentException("charge must be ≥ 0 µUSD, got " + chargeMicroUsd);
      }
    }
  }

  /** The settlement, and whether this call dropped the hold (false: it was already settled, released or expired). */
  record Result(boolean settled, Settlement settlement) {}

  LuaScript lua() {
    return script;
  }

  Future<Result> run(RedisConnector redis, BudgetKeys keys, Args args) {
    Hold hold = args.hold();
    List<String> keyList = List.of(
        keys.held(hold.team()),
        keys.holds(hold.team()),
        keys.spentDay(hold.team(), hold.window().day()),
        keys.spentMonth(hold.team(), hold.window().month()));
    List<String> argList = List.of(
        keys.member(hold),
        Long.toString(hold.amountMicroUsd()),
        Long.toString(args.chargeMicroUsd()),
        Long.toString(args.dailyLimitMicroUsd()),
        Long.toString(args.monthlyLimitMicroUsd().orElse(-1)));
    return script.run(redis, keyList, argList).map(SettleScript::parse);
  }

  private static Result parse(Reply reply) {
    return new Result(reply.get(0).asInt() == 1, new Settlement(reply.get(1).asLong(), reply.get(2).asLong()));
  }
}
