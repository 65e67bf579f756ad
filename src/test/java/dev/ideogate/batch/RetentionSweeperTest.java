package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The sweeper against the Redis store: a batch whose image deletion failed stays in the store and is swept later;
 * one whose images were deleted leaves the retention set and its team's list.
 */
class RetentionSweeperTest {
  @Test
  void aFailedDeletionKeepsTheBatchAndASucceededOneForgetsIt() {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start()) {
      RedisConnector connector = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
      await(connector.ping().recover(e -> connector.ping()));
      String prefix = "sweep-" + UUID.randomUUID();
      RedisBatchStore store = new RedisBatchStore(connector, prefix);
      await(store.create(new Batch("b", "t", BatchState.RUNNING, OnBudget.PAUSE, "", System.currentTimeMillis(), 200,
          0, 1, Map.of(LineState.QUEUED, 1), 0, 0), BatchStoreContract.lines(1), 5));
      BatchStore.Claim claim = await(store.claim(System.currentTimeMillis(), 60_000)).orElseThrow();
      await(store.finish(claim, BatchStoreContract.succeeded(claim.line(), 1), System.currentTimeMillis()));
      await(vertx.timer(300));

      List<String> deleted = new CopyOnWriteArrayList<>();
      boolean[] failing = {true};
      ObjectStore objects = new ObjectStore() {
        @Override
        public Future<Void> put(String key, Buffer bytes, String contentType) {
          return Future.succeededFuture();
        }

        @Override
        public Future<Optional<Buffer>> get(String key) {
          return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<Void> deletePrefix(String keyPrefix) {
          deleted.add(keyPrefix);
          return failing[0] ? Future.failedFuture(new IllegalStateException("bucket away"))
              : Future.succeededFuture();
        }
      };
      RetentionSweeper sweeper = new RetentionSweeper(vertx, store, objects, Clock.systemUTC(), 60_000,
          BatchRunner.BatchEvents.NONE);
      assertEquals(List.of(), await(sweeper.sweep()), "the deletion failed: nothing swept");
      assertEquals(List.of("t/b/"), deleted);
      BatchKeys keys = new BatchKeys(prefix);
      long retryAt = await(connector.send("ZSCORE", keys.retention(), "t/b")).asLong();
      assertTrue(retryAt >= System.currentTimeMillis() + RetentionSweeper.RETRY_MS - 10_000,
          "kept for a retry a minute later: " + retryAt);
      assertTrue(await(sweeper.sweep()).isEmpty(), "not before then");

      failing[0] = false;
      await(connector.send("ZADD", keys.retention(), "0", "t/b")); // a minute later
      assertEquals(List.of("t/b"), await(sweeper.sweep()));
      assertEquals(0, await(connector.send("ZCARD", keys.retention())).asLong(), "swept: forgotten");
      assertEquals(0, await(connector.send("ZCARD", keys.index("t"))).asLong(), "and gone from its team's list");
      assertTrue(await(sweeper.sweep()).isEmpty());
      await(connector.close());
    } finally {
      await(vertx.close());
    }
  }
}
