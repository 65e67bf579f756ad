package dev.ideogate.async;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.Reply;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The async scripts alone against a real Redis ({@code generation_settle.lua} and the four {@code webhook_*.lua}),
 * read back key by key as an SRE would with redis-cli.
 */
class AsyncScriptsTest {
  private static final String GROUP = "deliver";
  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final AsyncKeys keys = new AsyncKeys("test-" + UUID.randomUUID());
  private final String deliveryId = "d-" + UUID.randomUUID();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connector = redis.connector(vertx);
  }

  @AfterAll
  static void stopRedis() {
    await(vertx.close());
    redis.close();
  }

  @BeforeEach
  void createTheConsumerGroup() {
    await(connector.send("XGROUP", "CREATE", keys.stream(), GROUP, "0", "MKSTREAM"));
  }

  // generation_settle.lua

  @Test
  void aPendingGenerationSettlesExactlyOnceAtRedisTime() {
    String key = keys.generation("gen-1");
    await(connector.send("HSET", key, "record", "{}", "status", "pending"));
    GenerationSettleScript settle = new GenerationSettleScript();

    long before = redisTimeMs();
    assertTrue(await(settle.run(connector, new GenerationSettleScript.Args(key, "completed", 80_000, 2))));
    long after = redisTimeMs();
    assertFalse(await(settle.run(connector, new GenerationSettleScript.Args(key, "failed", 0, 0))));

    assertEquals("completed", field(key, "status"));
    assertEquals("80000", field(key, "charged"));
    assertEquals("2", field(key, "images"));
    long settledAt = Long.parseLong(field(key, "settled_at"));
    assertTrue(settledAt >= before && settledAt <= after, before + " ≤ " + settledAt + " ≤ " + after);
  }

  @Test
  void anUnknownGenerationIsNotSettled() {
    String key = keys.generation("gen-unknown");
    assertFalse(await(new GenerationSettleScript().run(connector,
        new GenerationSettleScript.Args(key, "completed", 0, 0))));
    assertEquals(0L, await(connector.send("EXISTS", key)).asLong());
  }

  @Test
  void aSettlementWithAnUnknownStatusOrNegativeChargeIsRefusedBeforeRedis() {
    assertThrows(IllegalArgumentException.class, () -> new GenerationSettleScript.Args("k", "pending", 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new GenerationSettleScript.Args("k", "failed", -1, 0));
  }

  // webhook_begin.lua

  @Test
  void oneReplicaAtATimeMayPostADeliveryAndNoneOnceItIsDone() {
    WebhookBeginScript begin = new WebhookBeginScript();
    String done = keys.done(deliveryId);
    String lock = keys.lock(deliveryId);

    assertEquals(DeliveryQueue.Begin.GO, await(begin.run(connector, new WebhookBeginScript.Args(done, lock, "a", 5_000))));
    assertEquals(DeliveryQueue.Begin.BUSY, await(begin.run(connector, new WebhookBeginScript.Args(done, lock, "b", 5_000))));
    assertEquals(DeliveryQueue.Begin.GO, await(begin.run(connector, new WebhookBeginScript.Args(done, lock, "a", 5_000))));
    assertEquals("a", await(connector.send("GET", lock)).asString());
    long pttl = await(connector.send("PTTL", lock)).asLong();
    assertTrue(pttl > 4_000 && pttl <= 5_000, "lock pttl " + pttl);

    await(connector.send("SET", done, "1"));
    assertEquals(DeliveryQueue.Begin.DONE,
        await(begin.run(connector, new WebhookBeginScript.Args(done, lock, "b", 5_000))));
  }

  // webhook_ack.lua

  @Test
  void aDeliveredEntryLeavesTheStreamAndIsRememberedAsDone() {
    String entry = readOne(addEntry("{\"delivery\":1}"));
    await(connector.send("SET", keys.lock(deliveryId), "a"));

    await(new WebhookAckScript().run(connector, new WebhookAckScript.Args(keys.stream(), keys.done(deliveryId),
        keys.lock(deliveryId), GROUP, entry, true, 3_600)));

    assertEquals(0L, await(connector.send("XLEN", keys.stream())).asLong());
    assertEquals(0L, pendingCount());
    assertEquals("1", await(connector.send("GET", keys.done(deliveryId))).asString());
    long ttl = await(connector.send("TTL", keys.done(deliveryId))).asLong();
    assertTrue(ttl > 3_500 && ttl <= 3_600, "done ttl " + ttl);
    assertEquals(0L, await(connector.send("EXISTS", keys.lock(deliveryId))).asLong());
  }

  @Test
  void aDroppedEntryLeavesTheStreamWithoutADoneMark() {
    String entry = readOne(addEntry("{\"delivery\":2}"));

    await(new WebhookAckScript().run(connector, new WebhookAckScript.Args(keys.stream(), keys.done(deliveryId),
        keys.lock(deliveryId), GROUP, entry, false, 3_600)));

    assertEquals(0L, await(connector.send("XLEN", keys.stream())).asLong());
    assertEquals(0L, await(connector.send("EXISTS", keys.done(deliveryId))).asLong());
  }

  // webhook_retry.lua

  @Test
  void aFailedEntryLeavesTheStreamInTheSameStepAsItsRetryIsScheduledAtRedisTimePlusTheDelay() {
    String entry = readOne(addEntry("{\"attempt\":1}"));
    await(connector.send("SET", keys.lock(deliveryId), "a"));

    long before = redisTimeMs();
    await(new WebhookRetryScript().run(connector, new WebhookRetryScript.Args(keys.stream(), keys.retry(),
        keys.dead(), keys.lock(deliveryId), GROUP, entry, "{\"attempt\":2}", 30_000, false, 10)));
    long after = redisTimeMs();

    assertEquals(0L, await(connector.send("XLEN", keys.stream())).asLong());
    assertEquals(0L, pendingCount());
    assertEquals(0L, await(connector.send("EXISTS", keys.lock(deliveryId))).asLong());
    long due = await(connector.send("ZSCORE", keys.retry(), "{\"attempt\":2}")).asLong();
    assertTrue(due >= before + 30_000 && due <= after + 30_000, "due " + due);
    assertEquals(0L, await(connector.send("LLEN", keys.dead())).asLong());
  }

  @Test
  void deadLettersGoNewestFirstAndOnlyTheLatestAreKept() {
    for (int i = 1; i <= 3; i++) {
      String entry = readOne(addEntry("{\"n\":" + i + "}"));
      await(new WebhookRetryScript().run(connector, new WebhookRetryScript.Args(keys.stream(), keys.retry(),
          keys.dead(), keys.lock(deliveryId), GROUP, entry, "dead-" + i, 0, true, 2)));
    }

    assertEquals(List.of("dead-3", "dead-2"), await(connector.send("LRANGE", keys.dead(), "0", "-1")).asStrings());
    assertEquals(0L, await(connector.send("ZCARD", keys.retry())).asLong());
    assertEquals(0L, await(connector.send("XLEN", keys.stream())).asLong());
  }

  // webhook_move_due.lua

  @Test
  void onlyDueRetriesGoBackOntoTheStream() {
    long now = redisTimeMs();
    await(connector.send("ZADD", keys.retry(), Long.toString(now - 1_000), "due",
        Long.toString(now + 600_000), "later"));

    assertEquals(1, await(new WebhookMoveDueScript().run(connector,
        new WebhookMoveDueScript.Args(keys.retry(), keys.stream(), 10))));

    assertEquals(List.of("later"), await(connector.send("ZRANGE", keys.retry(), "0", "-1")).asStrings());
    Reply entries = await(connector.send("XRANGE", keys.stream(), "-", "+"));
    assertEquals(1, entries.size());
    Reply fields = entries.get(0).get(1);
    assertEquals("due", fields.isMap() ? fields.get("d").asString() : fields.get(1).asString());
  }

  @Test
  void moveDueMovesAtMostItsBatch() {
    long now = redisTimeMs();
    for (int i = 0; i < 5; i++) {
      await(connector.send("ZADD", keys.retry(), Long.toString(now - 1_000 - i), "due-" + i));
    }

    assertEquals(2, await(new WebhookMoveDueScript().run(connector,
        new WebhookMoveDueScript.Args(keys.retry(), keys.stream(), 2))));
    assertEquals(3L, await(connector.send("ZCARD", keys.retry())).asLong());
    assertEquals(2L, await(connector.send("XLEN", keys.stream())).asLong());
  }

  private String addEntry(String json) {
    return await(connector.send("XADD", keys.stream(), "*", "d", json)).asString();
  }

  /** Reads the entry as consumer "a", so it is pending in the group like one a replica is POSTing. */
  private String readOne(String expectedId) {
    Reply read = await(connector.send("XREADGROUP", "GROUP", GROUP, "a", "COUNT", "1", "STREAMS", keys.stream(), ">"));
    Reply entries = read.isMap() ? read.get(keys.stream()) : read.get(0).get(1);
    assertEquals(expectedId, entries.get(0).get(0).asString());
    return expectedId;
  }

  private long pendingCount() {
    return await(connector.send("XPENDING", keys.stream(), GROUP)).get(0).asLong();
  }

  private String field(String key, String name) {
    return await(connector.send("HGET", key, name)).asString();
  }

  private static long redisTimeMs() {
    Reply time = await(connector.send("TIME"));
    return time.get(0).asLong() * 1000 + time.get(1).asLong() / 1000;
  }
}
