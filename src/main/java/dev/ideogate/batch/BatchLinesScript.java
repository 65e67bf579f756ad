package dev.ideogate.batch;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.Reply;
import io.vertx.core.Future;
import java.util.List;

/** Java side of {@code lua/batch_lines.lua}: the only code that knows its KEYS/ARGV order and replies. */
final class BatchLinesScript {
  private final LuaScript script = LuaScript.load("batch_lines");

  /** What a claim found: a line (heldMicroUsd > 0: a takeover), or the batch's state and how many lines run. */
  record Claimed(BatchLine line, long heldMicroUsd, String state, long running) {}

  Future<Claimed> claim(RedisConnector redis, BatchKeys keys, String team, String id, long leaseMs) {
    return run(redis, keys, team, id, "claim", id, "", 0, leaseMs).map(reply -> switch (reply.get(0).asString()) {
      case "line" -> new Claimed(BatchLine.fromJson(reply.get(1).asString()), 0, "running", 0);
      case "takeover" -> new Claimed(BatchLine.fromJson(reply.get(1).asString()), reply.get(2).asLong(), "running", 0);
      default -> new Claimed(null, 0, reply.get(0).asString(), reply.get(1).asLong());
    });
  }

  /** False when the line is no longer this replica's (taken back). */
  Future<Boolean> started(RedisConnector redis, BatchKeys keys, String team, String id, int line, long holdMicroUsd) {
    return run(redis, keys, team, id, "started", Integer.toString(line), "", holdMicroUsd, 0)
        .map(reply -> reply.asInt() == 1);
  }

  /** 2: the batch just finished; 1: recorded; 0: the line had been taken back. */
  Future<Integer> finish(RedisConnector redis, BatchKeys keys, String team, String id, LineResult result) {
    return run(redis, keys, team, id, "finish", Integer.toString(result.number()), result.toJson(),
        result.costMicroUsd(), 0).map(Reply::asInt);
  }

  /** 2: the batch just finished; 1: recorded; 0: the line had been taken back. */
  Future<Integer> budget(RedisConnector redis, BatchKeys keys, String team, String id, int line, long pauseMs) {
    return run(redis, keys, team, id, "budget", Integer.toString(line), "", 0, Math.max(1, pauseMs))
        .map(Reply::asInt);
  }

  Future<Boolean> cancel(RedisConnector redis, BatchKeys keys, String team, String id) {
    return run(redis, keys, team, id, "cancel", id, "", 0, 0).map(reply -> reply.asInt() == 1);
  }

  private Future<Reply> run(RedisConnector redis, BatchKeys keys, String team, String id, String op, String number,
      String payload, long amount, long durationMs) {
    return script.run(redis, keys.lines(team, id),
        List.of(op, number, payload, Long.toString(amount), Long.toString(durationMs)));
  }
}
