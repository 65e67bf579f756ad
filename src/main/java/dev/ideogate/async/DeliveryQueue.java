package dev.ideogate.async;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * At-least-once webhook deliveries: a Redis Stream with a consumer group ({@link RedisDeliveryQueue}; any replica
 * delivers, entries of a dead replica are reclaimed) or a local queue ({@link InMemoryDeliveryQueue}, one replica).
 * A worker takes entries, asks {@link #begin} whether it may POST, then acknowledges, reschedules or dead-letters.
 */
public interface DeliveryQueue {

  /** A taken entry: the delivery and the queue's handle on it. */
  record Taken(Delivery delivery, String entryId) {}

  enum Begin { GO, BUSY, DONE }

  Future<Void> enqueue(Delivery delivery);

  /** Up to {@code max} entries to work on now: due retries, new entries, entries reclaimed from dead replicas. */
  Future<List<Taken>> take(int max);

  /** GO: POST it; DONE: already delivered, acknowledge without sending; BUSY: another replica is POSTing it. */
  Future<Begin> begin(Taken taken, long lockMs);

  /** Delivered (2xx): remember the delivery id and drop the entry. */
  Future<Void> delivered(Taken taken);

  /** Drop the entry without marking the delivery done (a duplicate of one another replica is sending). */
  Future<Void> drop(Taken taken);

  /**
   * Another replica holds the delivery's lock: leave this entry for later. Redis: it stays unacknowledged and is
   * reclaimed once idle, when the lock of a dead replica has expired; in memory: requeued after delayMs.
   */
  Future<Void> later(Taken taken, long delayMs);

  /** Failed: schedule {@code taken.delivery().next()} in delayMs. */
  Future<Void> retryLater(Taken taken, long delayMs);

  /** Failed for the last time: move to the dead letters with the reason. */
  Future<Void> deadLetter(Taken taken, String reason);

  /** Newest first. */
  Future<List<JsonObject>> deadLetters(int max);

  /**
   * An operator's retry of a dead letter (the dashboard): takes it off the dead letters and queues its delivery
   * again as a first attempt, atomically and once. False when no dead letter of that delivery id is kept (already
   * retried, or never dead).
   */
  Future<Boolean> retryDeadLetter(String deliveryId);

  /** Counts for the admin view: stream length, retries scheduled, dead letters. */
  Future<JsonObject> depth();

  /** The delivery a dead letter was made of, as a first attempt enqueued at {@code nowMs}. */
  static Delivery redelivery(JsonObject deadLetter, long nowMs) {
    return Delivery.first(deadLetter.getString("delivery_id"), deadLetter.getString("team"),
        deadLetter.getString("url"), deadLetter.getString("kind"), deadLetter.getString("body"), nowMs);
  }

  static JsonObject deadLetterJson(Delivery delivery, String reason, long nowMs) {
    return new JsonObject().put("delivery_id", delivery.deliveryId()).put("team", delivery.team())
        .put("kind", delivery.kind()).put("url", delivery.url()).put("attempts", delivery.attempt())
        .put("reason", reason).put("dead_at_ms", nowMs).put("body", delivery.body());
  }
}
