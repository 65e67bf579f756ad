package dev.ideogate.async;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DeliveryQueue} on a Redis Stream with the consumer group {@code deliver}: each replica reads as its own
 * consumer, so an entry is worked on by one replica; an entry its replica never acknowledged (it died mid-POST)
 * is taken over by XAUTOCLAIM once idle longer than {@code reclaimIdleMs}. Retries wait in a zset and come back
 * to the stream when due (one Lua step, so none is lost or doubled). Keys: {@link AsyncKeys}.
 */
public final class RedisDeliveryQueue implements DeliveryQueue {
  private static final Logger LOG = LoggerFactory.getLogger(RedisDeliveryQueue.class);
  static final String GROUP = "deliver";
  private static final long DONE_TTL_S = 7 * 86_400;
  private static final int MAX_DEAD = 1000;

  private final RedisConnector redis;
  private final AsyncKeys keys;
  private final String consumer;
  private final long reclaimIdleMs;
  private final LuaScript begin = LuaScript.load("webhook_begin");
  private final LuaScript ack = LuaScript.load("webhook_ack");
  private final LuaScript retry = LuaScript.load("webhook_retry");
  private final LuaScript moveDue = LuaScript.load("webhook_move_due");
  private final LuaScript redeliver = LuaScript.load("webhook_redeliver");
  private final DeliveryStats stats;
  private volatile boolean groupReady;
  private long lastReclaimMs;

  public RedisDeliveryQueue(RedisConnector redis, String keyPrefix, String consumer, long reclaimIdleMs,
      DeliveryStats stats) {
    this.stats = stats;
    this.redis = redis;
    this.keys = new AsyncKeys(keyPrefix);
    this.consumer = consumer;
    this.reclaimIdleMs = reclaimIdleMs;
  }

  @Override
  public Future<Void> enqueue(Delivery delivery) {
    return redis.call(api -> api.xadd(List.of(keys.stream(), "*", "d", delivery.toJson()))).mapEmpty();
  }

  @Override
  public Future<List<Taken>> take(int max) {
    return ensureGroup()
        .compose(v -> moveDue.run(redis, List.of(keys.retry(), keys.stream()), List.of(Integer.toString(max))))
        .compose(v -> reclaim(max))
        .compose(reclaimed -> reclaimed.size() >= max ? Future.succeededFuture(reclaimed)
            : readNew(max - reclaimed.size()).map(fresh -> {
              List<Taken> all = new ArrayList<>(reclaimed);
              all.addAll(fresh);
              return all;
            }));
  }

  private Future<Void> ensureGroup() {
    if (groupReady) {
      return Future.succeededFuture();
    }
    return redis.call(api -> api.xgroup(List.of("CREATE", keys.stream(), GROUP, "0", "MKSTREAM")))
        .<Void>mapEmpty()
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(e))
        .onSuccess(v -> groupReady = true);
  }

  /** XAUTOCLAIM at most every reclaimIdleMs / 4: entries idle that long belong to a replica that is gone. */
  private Future<List<Taken>> reclaim(int max) {
    long now = System.currentTimeMillis();
    if (now - lastReclaimMs < reclaimIdleMs / 4) {
      return Future.succeededFuture(List.of());
    }
    lastReclaimMs = now;
    return redis.call(api -> api.xautoclaim(List.of(keys.stream(), GROUP, consumer, Long.toString(reclaimIdleMs),
            "0-0", "COUNT", Integer.toString(max))))
        .map(reply -> entries(reply == null || reply.size() < 2 ? null : reply.get(1)))
        .onSuccess(taken -> {
          if (!taken.isEmpty()) {
            stats.reclaimed.addAndGet(taken.size());
            LOG.info("reclaimed {} webhook deliveries left unacknowledged by another replica", taken.size());
          }
        });
  }

  private Future<List<Taken>> readNew(int max) {
    return redis.call(api -> api.xreadgroup(List.of("GROUP", GROUP, consumer, "COUNT", Integer.toString(max),
            "STREAMS", keys.stream(), ">")))
        .map(reply -> {
          if (reply == null) {
            return List.of();
          }
          // RESP3 answers a map stream → entries; RESP2 an array of [stream, entries]
          Response entries = reply.isMap() ? reply.get(keys.stream()) : reply.get(0).get(1);
          return entries(entries);
        });
  }

  private static List<Taken> entries(Response entries) {
    List<Taken> taken = new ArrayList<>();
    if (entries == null) {
      return taken;
    }
    for (Response entry : entries) {
      if (entry == null || entry.size() < 2 || entry.get(1) == null) {
        continue; // deleted while pending
      }
      String id = entry.get(0).toString();
      Response fields = entry.get(1);
      String json = fields.isMap() ? fields.get("d").toString() : fieldOf(fields, "d");
      if (json != null) {
        taken.add(new Taken(Delivery.fromJson(json), id));
      }
    }
    return taken;
  }

  private static String fieldOf(Response flat, String name) {
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (name.equals(flat.get(i).toString())) {
        return flat.get(i + 1).toString();
      }
    }
    return null;
  }

  @Override
  public Future<Begin> begin(Taken taken, long lockMs) {
    String id = taken.delivery().deliveryId();
    return begin.run(redis, List.of(keys.done(id), keys.lock(id)), List.of(consumer, Long.toString(lockMs)))
        .map(r -> switch (r.toString()) {
          case "go" -> Begin.GO;
          case "done" -> Begin.DONE;
          default -> Begin.BUSY;
        });
  }

  @Override
  public Future<Void> delivered(Taken taken) {
    return ackEntry(taken, true);
  }

  @Override
  public Future<Void> drop(Taken taken) {
    return ackEntry(taken, false);
  }

  private Future<Void> ackEntry(Taken taken, boolean markDone) {
    String id = taken.delivery().deliveryId();
    return ack.run(redis, List.of(keys.stream(), keys.done(id), keys.lock(id)),
        List.of(GROUP, taken.entryId(), markDone ? "1" : "0", Long.toString(DONE_TTL_S))).mapEmpty();
  }

  @Override
  public Future<Void> later(Taken taken, long delayMs) {
    return Future.succeededFuture(); // stays pending in this consumer's PEL; XAUTOCLAIM brings it back when idle
  }

  @Override
  public Future<Void> retryLater(Taken taken, long delayMs) {
    return failed(taken, taken.delivery().next().toJson(), delayMs, false);
  }

  @Override
  public Future<Void> deadLetter(Taken taken, String reason) {
    String json = DeliveryQueue.deadLetterJson(taken.delivery(), reason, System.currentTimeMillis()).encode();
    return failed(taken, json, 0, true);
  }

  private Future<Void> failed(Taken taken, String json, long delayMs, boolean dead) {
    String id = taken.delivery().deliveryId();
    return retry.run(redis, List.of(keys.stream(), keys.retry(), keys.dead(), keys.lock(id)),
        List.of(GROUP, taken.entryId(), json, Long.toString(delayMs), dead ? "1" : "0", Integer.toString(MAX_DEAD)))
        .mapEmpty();
  }

  @Override
  public Future<List<JsonObject>> deadLetters(int max) {
    return redis.call(api -> api.lrange(keys.dead(), "0", Integer.toString(max - 1)))
        .map(r -> RedisAsyncStore.strings(r).stream().map(JsonObject::new).toList());
  }

  /** Finds the stored entry (LREM needs it byte for byte), then takes and requeues it in one step. */
  @Override
  public Future<Boolean> retryDeadLetter(String deliveryId) {
    return redis.call(api -> api.lrange(keys.dead(), "0", Integer.toString(MAX_DEAD - 1)))
        .compose(r -> {
          String stored = RedisAsyncStore.strings(r).stream()
              .filter(json -> deliveryId.equals(new JsonObject(json).getString("delivery_id")))
              .findFirst().orElse(null);
          if (stored == null) {
            return Future.succeededFuture(false);
          }
          String delivery = DeliveryQueue.redelivery(new JsonObject(stored), System.currentTimeMillis()).toJson();
          return redeliver.run(redis, List.of(keys.dead(), keys.stream()), List.of(stored, delivery))
              .map(taken -> taken.toLong() == 1);
        });
  }

  @Override
  public Future<JsonObject> depth() {
    Future<Response> queued = redis.call(api -> api.xlen(keys.stream()));
    Future<Response> scheduled = redis.call(api -> api.zcard(keys.retry()));
    Future<Response> dead = redis.call(api -> api.llen(keys.dead()));
    return Future.all(queued, scheduled, dead).map(all -> new JsonObject()
        .put("queued", queued.result().toLong())
        .put("retry_scheduled", scheduled.result().toLong())
        .put("dead_letters", dead.result().toLong()));
  }
}
