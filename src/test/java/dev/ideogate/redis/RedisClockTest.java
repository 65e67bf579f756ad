package dev.ideogate.redis;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The replica's view of Redis' clock agrees with Redis' own TIME, and is UNKNOWN until it has asked once. */
class RedisClockTest {
  @Test
  void tracksRedisTimeOnceSampled() {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.startOwned()) {
      RedisConnector connector = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
      RedisClock clock = connector.clock();
      await(connector.ping()); // a sample taken while a connection opens is only as good as half that round trip
      assertEquals(RedisClock.UNKNOWN, clock.nowMs(), "no sample yet: the scripts read TIME themselves");
      Await.until("the first TIME sample", Duration.ofSeconds(5), () -> clock.nowMs() != RedisClock.UNKNOWN);

      for (int i = 0; i < 5; i++) {
        long before = clock.nowMs();
        Reply time = await(connector.send("TIME"));
        long after = clock.nowMs();
        long redisMs = time.get(0).asLong() * 1000 + time.get(1).asLong() / 1000;
        // Redis answered between the two readings; allow a few ms of scheduling on a busy machine.
        assertTrue(redisMs >= before - 5 && redisMs <= after + 5,
            "Redis TIME " + redisMs + " outside the clock's readings [" + before + ", " + after + "]");
      }
      await(connector.close());
    } finally {
      await(vertx.close());
    }
  }
}
