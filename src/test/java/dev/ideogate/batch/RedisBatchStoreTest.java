package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void aBatchWhoseSweeperDiedBeforeSweepingItIsGivenAgainWhenItsLeaseEnds() {
    String team = newTeam();
    long retention = shortLease();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 1, retention), lines(1), 5));
    BatchStore.Claim claim = claimOf(store, team);
    await(store.finish(claim, succeeded(claim.line(), 30_000), now())).orElseThrow();
    outlive(retention);
    String member = team + "/b";
    assertTrue(await(store.takeExpired(now(), 100)).contains(member));
    assertFalse(await(store.takeExpired(now(), 100)).contains(member), "taken by the first sweeper");
    // that sweeper dies without swept(): its lease runs out
    BatchKeys keys = new BatchKeys(prefix);
    long ttl = await(connector.send("PTTL", keys.sweeping(member))).asLong();
    assertTrue(ttl > 0 && ttl <= RedisBatchStore.SWEEP_LEASE_MS, "the sweeper's lease: " + ttl);
    await(connector.send("DEL", keys.sweeping(member)));
    assertTrue(await(store.takeExpired(now(), 100)).contains(member), "given again, its images not forgotten");
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
