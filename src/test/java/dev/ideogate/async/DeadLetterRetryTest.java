package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator's retry of a dead letter ({@code webhook_redeliver.lua} on a real Redis, and the in-memory queue):
 * the letter leaves the dead list, its delivery comes back as a first attempt, and a second retry finds nothing.
 */
class DeadLetterRetryTest {
  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connector = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
  }

  @AfterAll
  static void stop() {
    Await.await(connector.close());
    Await.await(vertx.close());
    redis.close();
  }

  @Test
  void redisQueueRequeuesADeadLetterOnce() {
    String prefix = "dlr" + UUID.randomUUID();
    retriesOnce(new RedisDeliveryQueue(connector, prefix, "replica-a", 60_000, new DeliveryStats(), java.time.Clock.systemUTC()));
  }

  @Test
  void inMemoryQueueRequeuesADeadLetterOnce() {
    retriesOnce(new InMemoryDeliveryQueue(System::currentTimeMillis));
  }

  @Test
  void twoConcurrentRetriesOfOneDeadLetterQueueItOnce() {
    String prefix = "dlr" + UUID.randomUUID();
    DeliveryQueue queue = new RedisDeliveryQueue(connector, prefix, "replica-a", 60_000, new DeliveryStats(), java.time.Clock.systemUTC());
    deadLetter(queue, "dlv_twice");

    List<Boolean> outcomes = Await.await(Future.all(queue.retryDeadLetter("dlv_twice"),
        queue.retryDeadLetter("dlv_twice"))).list();

    assertEquals(1, outcomes.stream().filter(Boolean.TRUE::equals).count(), outcomes.toString());
    assertEquals(1, Await.await(queue.take(10)).size());
  }

  private static void retriesOnce(DeliveryQueue queue) {
    deadLetter(queue, "dlv_gen_1");
    assertEquals(1, Await.await(queue.deadLetters(10)).size());

    assertTrue(Await.await(queue.retryDeadLetter("dlv_gen_1")));

    assertEquals(0, Await.await(queue.deadLetters(10)).size());
    List<DeliveryQueue.Taken> again = Await.await(queue.take(10));
    assertEquals(1, again.size());
    Delivery delivery = again.get(0).delivery();
    assertEquals("dlv_gen_1", delivery.deliveryId());
    assertEquals(1, delivery.attempt(), "a retried dead letter starts its attempts over");
    assertEquals("{\"ok\":true}", delivery.body());
    assertEquals("http://127.0.0.1:9/hook", delivery.url());
    assertFalse(Await.await(queue.retryDeadLetter("dlv_gen_1")), "a second retry finds no dead letter");
    assertFalse(Await.await(queue.retryDeadLetter("dlv_unknown")));
  }

  /** Enqueues a delivery on its third attempt, takes it and dead-letters it, as the worker would. */
  private static void deadLetter(DeliveryQueue queue, String id) {
    Delivery third = Delivery.first(id, "alpha", "http://127.0.0.1:9/hook", "generation.completed", "{\"ok\":true}",
        1_000).next().next();
    Await.await(queue.enqueue(third));
    List<DeliveryQueue.Taken> taken = Await.await(queue.take(10));
    assertEquals(1, taken.size());
    Await.await(queue.deadLetter(taken.get(0), "HTTP 500 after 3 attempts"));
  }
}
