package dev.ideogate.async;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
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
  private final WebhookBeginScript begin = new WebhookBeginScript();
  private final WebhookAckScript ack = new WebhookAckScript();
  private final WebhookRetryScript retry = new WebhookRetryScript();
  private final WebhookMoveDueScript moveDue = new WebhookMoveDueScript();
  private final WebhookRedeliverScript redeliver = new WebhookRedeliverScript();
  private final DeliveryStats stats;
  private final Clock clock;
  private volatile boolean groupReady;
  private long lastReclaimMs;

  public RedisDeliveryQueue(RedisConnector redis, String keyPrefix, String consumer, long reclaimIdleMs,
      DeliveryStats stats, Clock clock) {
    this.stats = stats;
    this.clock = clock;
    this.redis = redis;
    this.keys = new AsyncKeys(keyPrefix);
    this.consumer = consumer;
    this.reclaimIdleMs = reclaimIdleMs;
  }

  @Override
  public Future<Void> enqueue(Delivery delivery) {
    return redis.send("XADD", keys.stream(), "*", "d", delivery.toJson()).mapEmpty();
  }

  @Override
  public Future<List<Taken>> take(int max) {
    return ensureGroup()
        .compose(v -> moveDue.run(redis, new WebhookMoveDueScript.Args(keys.retry(), keys.stream(), max)))
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
    return redis.send("XGROUP", "CREATE", keys.stream(), GROUP, "0", "MKSTREAM")
        .<Void>mapEmpty()
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(e))
        .onSuccess(v -> groupReady = true);
  }

  /** XAUTOCLAIM at most every reclaimIdleMs / 4: entries idle that long belong to a replica that is gone. */
  private Future<List<Taken>> reclaim(int max) {
    long now = clock.millis();
    if (now - lastReclaimMs < reclaimIdleMs / 4) {
      return Future.succeededFuture(List.of());
    }
    lastReclaimMs = now;
    return redis.send("XAUTOCLAIM", keys.stream(), GROUP, consumer, Long.toString(reclaimIdleMs), "0-0", "COUNT",
            Integer.toString(max))
        .map(reply -> entries(reply.get(1)))
        .onSuccess(taken -> {
          if (!taken.isEmpty()) {
            stats.reclaimed.addAndGet(taken.size());
            LOG.info("reclaimed {} webhook deliveries left unacknowledged by another replica", taken.size());
          }
        });
  }

  private Future<List<Taken>> readNew(int max) {
    return redis.send("XREADGROUP", "GROUP", GROUP, consumer, "COUNT", Integer.toString(max), "STREAMS",
            keys.stream(), ">")
        .map(reply -> {
          // RESP3 answers a map stream → entries; RESP2 an array of [stream, entries]
          return entries(reply.isMap() ? reply.get(keys.stream()) : reply.get(0).get(1));
        });
  }

  private static List<Taken> entries(Reply entries) {
    List<Taken> taken = new ArrayList<>();
    for (Reply entry : entries.asList()) {
      if (entry.size() < 2 || entry.get(1).isNil()) {
        continue; // deleted while pending
      }
      String id = entry.get(0).asString();
      Reply fields = entry.get(1);
      String json = fields.isMap() ? fields.get("d").asString() : fieldOf(fields, "d");
      if (json != null) {
        taken.add(new Taken(Delivery.fromJson(json), id));
      }
    }
    return taken;
  }

  private static String fieldOf(Reply flat, String name) {
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (name.equals(flat.get(i).asString())) {
        return flat.get(i + 1).asString();
      }
    }
    return null;
  }

  @Override
  public Future<Begin> begin(Taken taken, long lockMs) {
    String id = taken.delivery().deliveryId();
    return begin.run(redis, new WebhookBeginScript.Args(keys.done(id), keys.lock(id), consumer, lockMs));
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
    return ack.run(redis,
        new WebhookAckScript.Args(keys.stream(), keys.done(id), keys.lock(id), GROUP, taken.entryId(), markDone,
            DONE_TTL_S));
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
    String json = DeliveryQueue.deadLetterJson(taken.delivery(), reason, clock.millis()).encode();
    return failed(taken, json, 0, true);
  }

  private Future<Void> failed(Taken taken, String json, long delayMs, boolean dead) {
    String id = taken.delivery().deliveryId();
    return retry.run(redis, new WebhookRetryScript.Args(keys.stream(), keys.retry(), keys.dead(), keys.lock(id), GROUP,
        taken.entryId(), json, delayMs, dead, MAX_DEAD));
  }

  @Override
  public Future<List<JsonObject>> deadLetters(int max) {
    return redis.send("LRANGE", keys.dead(), "0", Integer.toString(max - 1))
        .map(r -> r.asStrings().stream().map(JsonObject::new).toList());
  }

  /** Finds the stored entry (LREM needs it byte for byte), then takes and requeues it in one step. */
  @Override
  public Future<Boolean> retryDeadLetter(String deliveryId) {
    return redis.send("LRANGE", keys.dead(), "0", Integer.toString(MAX_DEAD - 1))
        .compose(r -> {
          String stored = r.asStrings().stream()
              .filter(json -> deliveryId.equals(new JsonObject(json).getString("delivery_id")))
              .findFirst().orElse(null);
          if (stored == null) {
            return Future.succeededFuture(false);
          }
          String delivery = DeliveryQueue.redelivery(new JsonObject(stored), clock.millis()).toJson();
          return redeliver.run(redis, new WebhookRedeliverScript.Args(keys.dead(), keys.stream(), stored, delivery));
        });
  }

  @Override
  public Future<JsonObject> depth() {
    Future<Reply> queued = redis.send("XLEN", keys.stream());
    Future<Reply> scheduled = redis.send("ZCARD", keys.retry());
    Future<Reply> dead = redis.send("LLEN", keys.dead());
    return Future.all(queued, scheduled, dead).map(all -> new JsonObject()
        .put("queued", queued.result().asLong())
        .put("retry_scheduled", scheduled.result().asLong())
        .put("dead_letters", dead.result().asLong()));
  }
}
