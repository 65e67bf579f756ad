package dev.ideogate.dispatch;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import dev.ideogate.redis.Reply;
import java.util.List;

/** Java side of {@code lua/permit_acquire.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class AcquirePermitScript {
  private final LuaScript script = LuaScript.load("permit_acquire");

  /**
   * @param nowMs Redis' time as this replica sees it ({@code RedisClock.nowMs()}), or {@code RedisClock.UNKNOWN}
   * @param announce a refusal publishes {@code waiting} on the lane's channel (ARCHITECTURE.md §8)
   */
  record Args(String lane, String permitId, int maxInFlight, long leaseMs, long nowMs, boolean announce) {
    Args {
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be ≥ 1, got " + maxInFlight);
      }
      if (leaseMs <= 0) {
        throw new IllegalArgumentException("permit lease must be > 0 ms, got " + leaseMs);
      }
    }
  }

  /**
   * The script's answer.
   *
   * @param epoch the lane's AIMD epoch, reported with a 429 of the call made under this permit
   * @param taken permits held on the lane (this one included when admitted)
   * @param effectiveLimit the lane's shared limit, already capped by the configured one
   * @param expiresInMs refused: ms until the earliest lease expires, when a retry may succeed; 0 when admitted
   * @param raisable the shared limit is below its cap, so a success may raise it (worth reporting)
   */
  record Result(boolean admitted, long epoch, int taken, int effectiveLimit, long expiresInMs, boolean raisable) {
    /** Admitted as the permit that left no free slot: its release wakes the waiters whatever it heard. */
    boolean filledTheLane() {
      return admitted && taken >= effectiveLimit;
    }
  }

  LuaScript lua() {
    return script;
  }

  Future<Result> run(RedisConnector redis, LaneKeys keys, Args args) {
    List<String> keyList = List.of(keys.permits(args.lane()), keys.limit(args.lane()));
    List<String> argList = List.of(args.permitId(), Integer.toString(args.maxInFlight()),
        Long.toString(args.leaseMs()), keys.freed(args.lane()), Long.toString(args.nowMs()),
        args.announce() ? "1" : "0");
    return script.run(redis, keyList, argList).map(AcquirePermitScript::parse);
  }

  private static Result parse(Reply reply) {
    return new Result(reply.get(0).asInt() == 1, reply.get(1).asLong(), reply.get(2).asInt(),
        reply.get(3).asInt(), reply.get(4).asLong(), reply.get(5).asInt() == 1);
  }
}
