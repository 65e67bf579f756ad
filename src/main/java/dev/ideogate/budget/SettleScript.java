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
      String team,
      BudgetWindow window,
      String holdId,
      long chargeMicroUsd,
      int images,
      long dailyLimitMicroUsd,
      OptionalLong monthlyLimitMicroUsd) {
    Args {
      if (chargeMicroUsd < 0 || images < 0) {
        throw new IllegalArgumentException(
            "charge and images must be ≥ 0, got " + chargeMicroUsd + " µUSD and " + images + " images");
      }
    }
  }

  LuaScript lua() {
    return script;
  }

  Future<Settlement> run(RedisConnector redis, BudgetKeys keys, Args args) {
    List<String> keyList = List.of(
        keys.held(args.team()),
        keys.holds(args.team()),
        keys.holdAmounts(args.team()),
        keys.spentDay(args.team(), args.window().day()),
        keys.spentMonth(args.team(), args.window().month()),
        keys.imagesDay(args.team(), args.window().day()),
        keys.imagesMonth(args.team(), args.window().month()));
    List<String> argList = List.of(
        args.holdId(),
        Long.toString(args.chargeMicroUsd()),
        Integer.toString(args.images()),
        Long.toString(args.dailyLimitMicroUsd()),
        Long.toString(args.monthlyLimitMicroUsd().orElse(-1)));
    return script.run(redis, keyList, argList).map(SettleScript::parse);
  }

  private static Settlement parse(Reply reply) {
    return new Settlement(reply.get(0).asLong(), reply.get(1).asLong());
  }
}
