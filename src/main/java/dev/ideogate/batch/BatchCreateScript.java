package dev.ideogate.batch;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** Java side of {@code lua/batch_create.lua}: the only code that knows its KEYS/ARGV order and reply. */
final class BatchCreateScript {
  private final LuaScript script = LuaScript.load("batch_create");

  /** True when stored; false when the team has {@code maxOpen} open batches. */
  Future<Boolean> run(RedisConnector redis, BatchKeys keys, String team, String id, String meta, int maxOpen,
      List<BatchLine> lines) {
    List<String> args = new ArrayList<>(lines.size() + 3);
    args.add(id);
    args.add(meta);
    args.add(Integer.toString(maxOpen));
    lines.forEach(line -> args.add(line.toJson()));
    return script.run(redis, List.of(keys.batch(team, id), keys.batch(team, id) + ":queue", keys.index(team),
        keys.open(team)), args).map(reply -> reply.asInt() == 1);
  }
}
