package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The batch store contract against a real Redis: {@code batch_create.lua} and {@code batch_lines.lua}. */
class RedisBatchStoreTest extends BatchStoreContract {
  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final String prefix = "test-" + UUID.randomUUID();
  private final RedisBatchStore store = new RedisBatchStore(connector, prefix);

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connector = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
    // the first connection of a loaded 2-core machine may take longer than one command timeout
    await(connector.ping().recover(e -> connector.ping()));
  }

  @AfterAll
  static void stopRedis() {
    await(connector.close());
    await(vertx.close());
    redis.close();
  }

  /** The index the team's list reads: a batch past its retention must leave it, not only its keys. */
  @Override
  int listed(String team) {
    return (int) await(connector.send("ZCARD", new BatchKeys(prefix).index(team))).asLong();
  }

  @Override
  BatchStore store() {
    return store;
  }

  @Override
  long now() {
    return System.currentTimeMillis();
  }

  /** Redis reads its own clock (TIME): the lease runs out in real time. */
  @Override
  void outlive(long leaseMs) {
    await(vertx.timer(leaseMs + 50));
  }
}
