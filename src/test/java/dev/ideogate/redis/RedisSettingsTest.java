package dev.ideogate.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import dev.ideogate.config.GatewayConfig;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

  @Test
  void takesEveryFieldFromTheGatewayConfig() {
    GatewayConfig.Redis config = new GatewayConfig.Redis(
        "rediss://redis.internal:6380", "cluster", "open", Duration.ofMillis(800), "ig", Duration.ofMinutes(5), 4, "cache-primary");

    RedisSettings settings = RedisSettings.of(config);

    assertEquals(new RedisSettings("rediss://redis.internal:6380", "cluster", 800, "ig", 4, true, "cache-primary"), settings);
  }

  @Test
  void buildsClientOptionsForTheModeAndEverySeedNode() {
    RedisSettings settings = RedisSettings.standalone("redis://10.0.0.1:7000, redis://10.0.0.2:7000")
        .withMode("cluster");

    RedisOptions options = RedisConnector.options(settings);

    assertEquals(RedisClientType.CLUSTER, options.getType());
    assertEquals(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7000"), options.getEndpoints());
    assertEquals(8, options.getMaxPoolSize());
    assertEquals(1000, options.getNetClientOptions().getConnectTimeout());
  }

  @Test
  void refusesACommandTimeoutAboveOneSecond() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> RedisSettings.standalone("redis://127.0.0.1:7000").withCommandTimeoutMs(1500));
    assertEquals("redis command timeout must be 1..1000 ms, got 1500", error.getMessage());
  }

  @Test
  void refusesAnUnknownModeOrScheme() {
    assertThrows(IllegalArgumentException.class,
        () -> RedisSettings.standalone("redis://127.0.0.1:7000").withMode("sharded"));
    assertThrows(IllegalArgumentException.class, () -> RedisSettings.standalone("http://127.0.0.1:7000"));
  }
}
