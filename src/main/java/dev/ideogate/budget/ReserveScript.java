package dev.ideogate.budget;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import dev.ideogate.redis.Reply;
import java.util.List;
import java.util.OptionalLong;

/** Java side of {@code lua/reserve.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class ReserveScript {
  /** Lua numbers are doubles: integers are exact up to 2^53 − 1 µUSD (about 9 billion USD). */
  static final long MAX_EXACT_MICRO_USD = (1L << 53) - 1;

  private final LuaScript script = LuaScript.load("reserve");

  /**
   * What to hold; all money in µUSD.
   *
   * @param nowMs Redis' time as this replica sees it ({@code RedisClock}), or {@code RedisClock.UNKNOWN}
   */
  record Args(
      String team,
      BudgetWindow window,
      String holdId,
      long amountMicroUsd,
      long dailyLimitMicroUsd,
      OptionalLong monthlyLimitMicroUsd,
      long leaseMs,
      long nowMs) {
    Args {
      if (amountMicroUsd < 0) {
        throw new IllegalArgumentException("cost must be ≥ 0 µUSD, got " + amountMicroUsd);
      }
      long monthly = monthlyLimitMicroUsd.orElse(0);
      if (amountMicroUsd > MAX_EXACT_MICRO_USD || dailyLimitMicroUsd > MAX_EXACT_MICRO_USD
          || monthly > MAX_EXACT_MICRO_USD) {
        throw new IllegalArgumentException("amounts and limits must be ≤ " + MAX_EXACT_MICRO_USD
            + " µUSD (exact in Lua), got " + amountMicroUsd + ", " + dailyLimitMicroUsd + ", " + monthly);
      }
      if (leaseMs <= 0) {
        throw new IllegalArgumentException("hold lease must be > 0 ms, got " + leaseMs);
      }
    }
  }

  /**
   * The script's answer.
   *
   * @param refusedBy null when admitted, else the window that refused
   * @param remainingMicroUsd admitted: what the tightest window has left after the hold; refused: what the
   *     refusing window had left
   * @param expiredHolds refused while the team had holds whose lease ran out: reclaiming them may admit it
   */
  record Result(BudgetRefusal.Window refusedBy, long remainingMicroUsd, boolean expiredHolds) {
    static Result admitted(long remainingMicroUsd) {
      return new Result(null, remainingMicroUsd, false);
    }

    boolean admitted() {
      return refusedBy == null;
    }
  }

  LuaScript lua() {
    return script;
  }

  Future<Result> run(RedisConnector redis, BudgetKeys keys, Args args) {
    List<String> keyList = List.of(
        keys.held(args.team()),
        keys.holds(args.team()),
        keys.spentDay(args.team(), args.window().day()),
        keys.spentMonth(args.team(), args.window().month()));
    List<String> argList = List.of(
        keys.member(args.team(), args.holdId(), args.amountMicroUsd(), args.window()),
        Long.toString(args.amountMicroUsd()),
        Long.toString(args.dailyLimitMicroUsd()),
        Long.toString(args.monthlyLimitMicroUsd().orElse(-1)),
        Long.toString(args.leaseMs()),
        Long.toString(args.nowMs()));
    return script.run(redis, keyList, argList).map(ReserveScript::parse);
  }

  private static Result parse(Reply reply) {
    if (reply.get(0).asInt() == 1) {
      return Result.admitted(reply.get(1).asLong());
    }
    BudgetRefusal.Window window = "month".equals(reply.get(1).asString())
        ? BudgetRefusal.Window.MONTH
        : BudgetRefusal.Window.DAY;
    return new Result(window, reply.get(2).asLong(), reply.get(3).asInt() == 1);
  }
}
