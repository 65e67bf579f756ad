package dev.ideogate.async;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** {@link AsyncStore} shared by every replica (key schema in {@link AsyncKeys}). */
public final class RedisAsyncStore implements AsyncStore {
  private final RedisConnector redis;
  private final AsyncKeys keys;
  private final long recordTtlMs;
  private final GenerationSettleScript settle = new GenerationSettleScript();

  public RedisAsyncStore(RedisConnector redis, String keyPrefix, long recordTtlMs) {
    this.redis = redis;
    this.keys = new AsyncKeys(keyPrefix);
    this.recordTtlMs = recordTtlMs;
  }

  @Override
  public Future<Void> record(AsyncGeneration generation) {
    String id = generation.generationId();
    String key = keys.generation(id);
    String json = JsonObject.mapFrom(generation).encode();
    return redis.send("HSET", key, "record", json, "status", "pending")
        .compose(r -> redis.send("PEXPIRE", key, Long.toString(recordTtlMs)))
        .compose(r -> redis.send("ZADD", keys.pending(), Long.toString(generation.deadlineMs()), id))
        .mapEmpty();
  }

  @Override
  public Future<AsyncGeneration> find(String generationId) {
    if (!AsyncGeneration.validId(generationId)) {
      return Future.succeededFuture(null);
    }
    return redis.send("HGET", keys.generation(generationId), "record")
        .map(r -> r.isNil() ? null : new JsonObject(r.asString()).mapTo(AsyncGeneration.class));
  }

  @Override
  public Future<Boolean> markSettled(String generationId, String status, long chargedMicroUsd, int images) {
    return settle.run(redis,
        new GenerationSettleScript.Args(keys.generation(generationId), status, chargedMicroUsd, images));
  }

  @Override
  public Future<Boolean> pending(String generationId) {
    return redis.send("HGET", keys.generation(generationId), "status")
        .map(r -> "pending".equals(r.asString()));
  }

  @Override
  public Future<List<String>> due(long nowMs, int max) {
    return redis.send("ZRANGEBYSCORE", keys.pending(), "-inf", Long.toString(nowMs), "LIMIT", "0",
            Integer.toString(max))
        .map(Reply::asStrings);
  }

  @Override
  public Future<Boolean> claim(String generationId, String owner, long ttlMs) {
    return redis.send("SET", keys.claim(generationId), owner, "NX", "PX", Long.toString(ttlMs))
        .map(r -> "OK".equals(r.asString()));
  }

  @Override
  public Future<Void> postpone(String generationId, long deadlineMs) {
    return redis.send("ZADD", keys.pending(), "XX", Long.toString(deadlineMs), generationId).mapEmpty();
  }

  @Override
  public Future<Void> unindex(String generationId) {
    return redis.send("ZREM", keys.pending(), generationId).mapEmpty();
  }

  @Override
  public Future<Boolean> once(String name, long ttlMs) {
    return redis.send("SET", keys.once(name), "1", "NX", "PX", Long.toString(ttlMs))
        .map(r -> "OK".equals(r.asString()));
  }
}
