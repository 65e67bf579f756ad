package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.testing.Await;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** lua/rate_limit.lua against a real Redis: the same numbers as {@link RateLimiter}, and refusals write nothing. */
class RateLimitScriptTest {
  private static RedisServer server;
  private static Vertx vertx;
  private static RedisConnector redis;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    redis = server.connector(vertx);
  }

  @AfterAll
  static void stop() {
    Await.await(redis.close());
    Await.await(vertx.close());
    server.close();
  }

  private static String prefix() {
    return "rlt" + System.nanoTime();
  }

  @Test
  void admitsExactlyTheBurstThenRefusesWithTheTruth() {
    RedisRateLimitStore store = new RedisRateLimitStore(redis, prefix());
    List<RateLimitStore.Bucket> buckets =
        List.of(new RateLimitStore.Bucket("alpha", "t:alpha", new RateLimiter.Rate(6, 10)));
    for (int i = 0; i < 10; i++) {
      RateLimiter.Decision d = Await.await(store.acquire(buckets));
      assertTrue(d.admitted(), "request " + (i + 1));
      assertEquals(10, d.limit());
      assertEquals(9 - i, d.remaining());
    }
    RateLimiter.Decision refused = Await.await(store.acquire(buckets));
    assertFalse(refused.admitted());
    assertEquals(0, refused.remaining());
    // one request every 10 s: the next is due 10 s after the first, minus the few ms this test took
    assertTrue(refused.retryAfterUs() > 9_000_000 && refused.retryAfterUs() <= 10_000_000, "" + refused.retryAfterUs());
    assertTrue(refused.resetUs() > 99_000_000 && refused.resetUs() <= 100_000_000, "" + refused.resetUs());
  }

  @Test
  void aRefusalByTheTeamLeavesTheKeyBucketUntouched() {
    String prefix = prefix();
    RedisRateLimitStore store = new RedisRateLimitStore(redis, prefix);
    RateLimitStore.Bucket key = new RateLimitStore.Bucket("beta", "k:beta-key", new RateLimiter.Rate(600, 100));
    RateLimitStore.Bucket team = new RateLimitStore.Bucket("beta", "t:beta", new RateLimiter.Rate(60, 1));
    assertTrue(Await.await(store.acquire(List.of(key, team))).admitted());
    String keyTat = Await.await(redis.send("GET", prefix + ":{t:beta}:rate:k:beta-key")).asString();

    RateLimiter.Decision refused = Await.await(store.acquire(List.of(key, team)));

    assertFalse(refused.admitted());
    assertEquals(1, refused.limit());
    assertEquals(keyTat,
        Await.await(redis.send("GET", prefix + ":{t:beta}:rate:k:beta-key")).asString());
  }

  @Test
  void keysExpireOnceTheBucketIsFullAgain() {
    String prefix = prefix();
    RedisRateLimitStore store = new RedisRateLimitStore(redis, prefix);
    long started = System.nanoTime();
    Await.await(store.acquire(
        List.of(new RateLimitStore.Bucket("gamma", "t:gamma", new RateLimiter.Rate(60, 1)))));
    long ttl = Await.await(redis.send("PTTL", prefix + ":{t:gamma}:rate:t:gamma")).asLong();
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    // one token of 60/min refills in 1,000 ms: the key lives that long from the script's run, less the time since
    assertTrue(ttl <= 1001 && ttl >= 1000 - elapsedMs - 2, "ttl " + ttl + " after " + elapsedMs + " ms");
  }

  @Test
  void aStoppedRedisRefusesWith503WithinTheCommandTimeout() {
    RedisServer owned = RedisServer.startOwned();
    Vertx local = Vertx.vertx();
    RedisConnector connector = new RedisConnector(local, RedisSettings.standalone(owned.url()).withCommandTimeoutMs(300));
    try {
      RedisRateLimitStore store = new RedisRateLimitStore(connector, prefix());
      List<RateLimitStore.Bucket> buckets =
          List.of(new RateLimitStore.Bucket("alpha", "t:alpha", new RateLimiter.Rate(60, 10)));
      assertTrue(Await.await(store.acquire(buckets)).admitted());
      owned.stop();
      long start = System.nanoTime();
      Throwable failure = Await.await(store.acquire(buckets).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(failure instanceof dev.ideogate.api.GatewayException, String.valueOf(failure));
      assertEquals("budget_store_unavailable", ((dev.ideogate.api.GatewayException) failure).error().code());
      assertTrue(ms < 1000, ms + " ms");
    } finally {
      Await.await(connector.close());
      Await.await(local.close());
      owned.close();
    }
  }
}
