package dev.ideogate.batch;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.Reply;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/batch_lines.lua}: the only code that knows its KEYS/ARGV order and replies. */
final class BatchLinesScript {
  private final LuaScript script = LuaScript.load("batch_lines");

  /**
   * What a claim found: a line (with the hold record of a takeover, else null), or the batch's state and when its
   * retention ends (0 until it finished, with no line running).
   */
  record Claimed(BatchLine line, LineHold hold, String state, long retentionEndMs) {}

  Future<Claimed> claim(RedisConnector redis, BatchKeys keys, String team, String id, long leaseMs, String token) {
    return run(redis, keys, team, id, "claim", id, "", 0, leaseMs, token).map(reply -> switch (reply.get(0).asString()) {
      case "line" -> new Claimed(BatchLine.fromJson(reply.get(1).asString()), null, "running", 0);
      case "takeover" -> new Claimed(BatchLine.fromJson(reply.get(1).asString()),
          LineHold.fromWire(reply.get(2).asString()), "running", 0);
      case "gone" -> new Claimed(null, null, "gone", 0);
      default -> new Claimed(null, null, reply.get(0).asString(), reply.get(1).asLong());
    });
  }

  /** False when the line is no longer this claim's (taken back). */
  Future<Boolean> started(RedisConnector redis, BatchKeys keys, BatchStore.Claim claim, LineHold hold) {
    return run(redis, keys, claim.team(), claim.batchId(), "started", Integer.toString(claim.line().number()),
        hold.wire(), 0, 0, claim.token()).map(reply -> reply.asInt() == 1);
  }

  /** The lines (claims of one batch) whose lease was renewed: those still of their claim. */
  Future<List<Integer>> renew(RedisConnector redis, BatchKeys keys, List<BatchStore.Claim> claims, long leaseMs) {
    BatchStore.Claim first = claims.get(0);
    String numbers = String.join(",", claims.stream().map(c -> c.line().number() + "=" + c.token()).toList());
    return run(redis, keys, first.team(), first.batchId(), "renew", numbers, "", 0, leaseMs, "")
        .map(reply -> reply.asStrings().stream().map(Integer::valueOf).toList());
  }

  /** 2: the batch just finished; 1: recorded; 0: the line had been taken back. */
  Future<Integer> finish(RedisConnector redis, BatchKeys keys, BatchStore.Claim claim, LineResult result) {
    return run(redis, keys, claim.team(), claim.batchId(), "finish", Integer.toString(result.number()),
        result.toJson(), result.costMicroUsd(), 0, claim.token()).map(Reply::asInt);
  }

  /** 2: the batch just finished; 1: recorded; 0: the line had been taken back. */
  Future<Integer> budget(RedisConnector redis, BatchKeys keys, BatchStore.Claim claim, long pauseMs) {
    return run(redis, keys, claim.team(), claim.batchId(), "budget", Integer.toString(claim.line().number()), "", 0,
        Math.max(1, pauseMs), claim.token()).map(Reply::asInt);
  }

  /** 2: cancelled and thereby finished (no line running); 1: cancelled; 0: the batch was not open. */
  Future<Integer> cancel(RedisConnector redis, BatchKeys keys, String team, String id) {
    return run(redis, keys, team, id, "cancel", id, "", 0, 0, "").map(Reply::asInt);
  }

  private Future<Reply> run(RedisConnector redis, BatchKeys keys, String team, String id, String op, String number,
      String payload, long amount, long durationMs, String token) {
    return script.run(redis, keys.lines(team, id),
        List.of(op, number, payload, Long.toString(amount), Long.toString(durationMs), token));
  }
}
