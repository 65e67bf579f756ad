package dev.ideogate.budget;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import dev.ideogate.redis.Reply;
import java.util.ArrayList;
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
   * @param read refused by the budget: the team's counters as the script read them; else null
   */
  record Result(BudgetRefusal.Window refusedBy, long remainingMicroUsd, boolean expiredHolds, Read read,
      RateCheck.Outcome rate) {
    /** An answer without rate buckets. */
    Result(BudgetRefusal.Window refusedBy, long remainingMicroUsd, boolean expiredHolds, Read read) {
      this(refusedBy, remainingMicroUsd, expiredHolds, read, null);
    }

    static Result admitted(long remainingMicroUsd) {
      return new Result(null, remainingMicroUsd, false, null);
    }

    /** Refused by the rate limit: nothing held (the budget was not looked at). */
    boolean rateRefused() {
      return rate != null && !rate.admitted();
    }

    boolean admitted() {
      return refusedBy == null && !rateRefused();
    }
  }

  /** Settled spend of the request's day and month and the team's held amount, as a budget refusal read them. */
  record Read(long spentDayMicroUsd, long spentMonthMicroUsd, long heldMicroUsd) {}

  LuaScript lua() {
    return script;
  }

  Future<Result> run(RedisConnector redis, BudgetKeys keys, Args args) {
    return run(redis, keys, args, null);
  }

  /** @param rate the team's buckets, checked first in the same script; null: no rate limit */
  Future<Result> run(RedisConnector redis, BudgetKeys keys, Args args, RateCheck rate) {
    List<String> keyList = new ArrayList<>(6);
    keyList.add(keys.held(args.team()));
    keyList.add(keys.holds(args.team()));
    keyList.add(keys.spentDay(args.team(), args.window().day()));
    keyList.add(keys.spentMonth(args.team(), args.window().month()));
    List<String> argList = new ArrayList<>(11);
    argList.add(keys.member(args.team(), args.holdId(), args.amountMicroUsd(), args.window()));
    argList.add(Long.toString(args.amountMicroUsd()));
    argList.add(Long.toString(args.dailyLimitMicroUsd()));
    argList.add(Long.toString(args.monthlyLimitMicroUsd().orElse(-1)));
    argList.add(Long.toString(args.leaseMs()));
    argList.add(Long.toString(args.nowMs()));
    int buckets = rate == null ? 0 : rate.buckets().size();
    argList.add(Integer.toString(buckets));
    for (int i = 0; i < buckets; i++) {
      keyList.add(keys.rate(args.team(), rate.buckets().get(i)));
      argList.add(Long.toString(rate.intervalsUs().get(i)));
      argList.add(Integer.toString(rate.bursts().get(i)));
    }
    return script.run(redis, keyList, argList).map(reply -> parse(reply, buckets));
  }

  private static Result parse(Reply reply, int buckets) {
    int status = reply.get(0).asInt();
    if (status == 2) {
      return new Result(null, 0, false, null, rate(reply, 1, buckets, false));
    }
    if (status == 1) {
      return new Result(null, reply.get(1).asLong(), false, null, rate(reply, 2, buckets, true));
    }
    BudgetRefusal.Window window = "month".equals(reply.get(1).asString())
        ? BudgetRefusal.Window.MONTH
        : BudgetRefusal.Window.DAY;
    Read read = new Read(reply.get(4).asLong(), reply.get(5).asLong(), reply.get(6).asLong());
    return new Result(window, reply.get(2).asLong(), reply.get(3).asInt() == 1, read, rate(reply, 7, buckets, true));
  }

  /** limit, remaining, retry_after_us, reset_us, tat_a, tat_b from {@code at}; null without buckets. */
  private static RateCheck.Outcome rate(Reply reply, int at, int buckets, boolean admitted) {
    if (buckets == 0) {
      return null;
    }
    List<Long> tats = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      tats.add(reply.get(at + 4 + i).asLong());
    }
    return new RateCheck.Outcome(admitted, reply.get(at).asInt(), reply.get(at + 1).asInt(),
        reply.get(at + 2).asLong(), reply.get(at + 3).asLong(), tats);
  }
}
