package dev.ideogate.dispatch;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import dev.ideogate.redis.Reply;
import java.util.List;

/**
 * Java side of {@code lua/lane_limit.lua}: the lane's AIMD limit shared by every replica. Same ratio and success
 * run as {@link AimdLimit}, plus a ceiling held {@link #CEILING_HOLD_MS} after each decrease.
 */
final class LaneLimitScript {
  /** How long increases stop just under the limit that drew the last 429 (then one probe above it). */
  static final long CEILING_HOLD_MS = 60_000;

  private final LuaScript script = LuaScript.load("lane_limit");

  enum Outcome {
    THROTTLED("throttled"),
    SUCCESS("success");

    private final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }
  }

  /** The lane's limit and epoch after the update. */
  record Result(int effectiveLimit, long epoch) {}

  LuaScript lua() {
    return script;
  }

  /** @param nowMs Redis' time as this replica sees it ({@code RedisClock.nowMs()}), or {@code RedisClock.UNKNOWN} */
  Future<Result> run(RedisConnector redis, LaneKeys keys, String lane, Outcome outcome, long epoch, int maxInFlight,
      long nowMs) {
    List<String> argList = List.of(outcome.wire, Long.toString(epoch), Integer.toString(maxInFlight),
        Double.toString(AimdLimit.DEFAULT_BACKOFF_RATIO), Integer.toString(AimdLimit.DEFAULT_SUCCESSES_TO_INCREASE),
        Long.toString(CEILING_HOLD_MS), Long.toString(nowMs));
    return script.run(redis, List.of(keys.limit(lane)), argList).map(LaneLimitScript::parse);
  }

  private static Result parse(Reply reply) {
    return new Result(reply.get(0).asInt(), reply.get(1).asLong());
  }
}
