package dev.ideogate.policy;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.redis.RedisClock;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code lua/key_use.lua} alone against a real Redis, read back key by key. */
class KeyUseScriptTest {
  private static final long BUCKET_TTL_MS = 25 * 3_600_000L;
  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final String prefix = "test-" + UUID.randomUUID() + ":{k:alpha}:";
  private final KeyUseScript script = new KeyUseScript();

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

  @Test
  void countsRequestsAndErrorsOfTheHourAndKeepsThemAboutADay() {
    assertEquals(1L, use(false));
    assertEquals(2L, use(true));
    assertEquals(3L, use(false));

    assertEquals(3L, get("req:1"));
    assertEquals(1L, get("err:1"));
    long ttl = await(connector.send("PTTL", prefix + "req:1")).asLong();
    assertTrue(ttl > BUCKET_TTL_MS - 60_000 && ttl <= BUCKET_TTL_MS, "ttl " + ttl);
  }

  @Test
  void lastUseIsRedisTimeNotTheCallersClock() {
    use(false);
    long before = redisTimeMs();
    use(false);
    long after = redisTimeMs();

    long lastUsed = get("last_used");
    assertTrue(lastUsed >= before && lastUsed <= after, before + " ≤ " + lastUsed + " ≤ " + after);
  }

  @Test
  void lastUseIsTheGivenRedisTimeAndNeverMovesBack() {
    long now = redisTimeMs();
    await(script.run(connector, new KeyUseScript.Args(prefix + "req:1", prefix + "err:1", prefix + "last_used", 1, 0,
        BUCKET_TTL_MS, now + 5_000)));
    await(script.run(connector, new KeyUseScript.Args(prefix + "req:1", prefix + "err:1", prefix + "last_used", 1, 0,
        BUCKET_TTL_MS, now)));

    assertEquals(now + 5_000, get("last_used"), "a flush from a replica whose view of the clock is behind");
    long ttl = await(connector.send("PTTL", prefix + "req:1")).asLong();
    assertTrue(ttl > BUCKET_TTL_MS - 60_000, "the hour's counter got its lifetime when created: " + ttl);
  }

  @Test
  void oneFlushAddsItsCountsAtOnce() {
    use(false);
    assertEquals(8L, await(script.run(connector,
        new KeyUseScript.Args(prefix + "req:1", prefix + "err:1", prefix + "last_used", 7, 3, BUCKET_TTL_MS, RedisClock.UNKNOWN))));

    assertEquals(8L, get("req:1"));
    assertEquals(3L, get("err:1"));
  }

  @Test
  void aSuccessLeavesTheErrorCounterUnset() {
    use(false);
    assertTrue(await(connector.send("GET", prefix + "err:1")).isNil());
  }

  @Test
  void aBucketWithoutLifetimeIsRefusedBeforeRedis() {
    assertThrows(IllegalArgumentException.class, () -> new KeyUseScript.Args("a", "b", "c", 1, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new KeyUseScript.Args("a", "b", "c", 1, 2, BUCKET_TTL_MS, 1));
  }

  private long use(boolean error) {
    return await(script.run(connector,
        new KeyUseScript.Args(prefix + "req:1", prefix + "err:1", prefix + "last_used", 1, error ? 1 : 0,
            BUCKET_TTL_MS, RedisClock.UNKNOWN)));
  }

  private long get(String what) {
    return await(connector.send("GET", prefix + what)).asLong();
  }

  private static long redisTimeMs() {
    var time = await(connector.send("TIME"));
    return time.get(0).asLong() * 1000 + time.get(1).asLong() / 1000;
  }
}
