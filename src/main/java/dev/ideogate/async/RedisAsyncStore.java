package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** {@link AsyncStore} shared by every replica (key schema in {@link AsyncKeys}). */
public final class RedisAsyncStore implements AsyncStore {
  private final RedisConnector redis;
  private final AsyncKeys keys;
  private final long recordTtlMs;
  private final LuaScript settle = LuaScript.load("generation_settle");

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
    return redis.call(api -> api.hset(List.of(key, "record", json, "status", "pending")))
        .compose(r -> redis.call(api -> api.pexpire(List.of(key, Long.toString(recordTtlMs)))))
        .compose(r -> redis.call(api -> api.zadd(List.of(keys.pending(), Long.toString(generation.deadlineMs()), id))))
        .mapEmpty();
  }

  @Override
  public Future<AsyncGeneration> find(String generationId) {
    if (!AsyncGeneration.validId(generationId)) {
      return Future.succeededFuture(null);
    }
    return redis.call(api -> api.hget(keys.generation(generationId), "record"))
        .map(r -> r == null ? null : new JsonObject(r.toString()).mapTo(AsyncGeneration.class));
  }

  @Override
  public Future<Boolean> markSettled(String generationId, String status, long chargedMicroUsd, int images) {
    return settle.run(redis, List.of(keys.generation(generationId)), List.of(status, Long.toString(chargedMicroUsd),
            Integer.toString(images), Long.toString(System.currentTimeMillis())))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> pending(String generationId) {
    return redis.call(api -> api.hget(keys.generation(generationId), "status"))
        .map(r -> r != null && "pending".equals(r.toString()));
  }

  @Override
  public Future<List<String>> due(long nowMs, int max) {
    return redis.call(api -> api.zrangebyscore(List.of(keys.pending(), "-inf", Long.toString(nowMs), "LIMIT", "0",
            Integer.toString(max))))
        .map(RedisAsyncStore::strings);
  }

  @Override
  public Future<Boolean> claim(String generationId, String owner, long ttlMs) {
    return redis.call(api -> api.set(List.of(keys.claim(generationId), owner, "NX", "PX", Long.toString(ttlMs))))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  @Override
  public Future<Void> postpone(String generationId, long deadlineMs) {
    return redis.call(api -> api.zadd(List.of(keys.pending(), "XX", Long.toString(deadlineMs), generationId)))
        .mapEmpty();
  }

  @Override
  public Future<Void> unindex(String generationId) {
    return redis.call(api -> api.zrem(List.of(keys.pending(), generationId))).mapEmpty();
  }

  @Override
  public Future<Boolean> once(String name, long ttlMs) {
    return redis.call(api -> api.set(List.of(keys.once(name), "1", "NX", "PX", Long.toString(ttlMs))))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  static List<String> strings(Response response) {
    List<String> out = new ArrayList<>();
    if (response != null) {
      for (Response item : response) {
        out.add(item.toString());
      }
    }
    return out;
  }
}
