package dev.ideogate.dispatch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import dev.ideogate.redis.PubSubConnection;
import dev.ideogate.redis.Reply;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each permit script alone against a real Redis, read back key by key as an SRE would with redis-cli. */
class PermitScriptsTest {
  private static final String LANE = "0123456789ab";
  private static final long LEASE_MS = 60_000;

  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final LaneKeys keys = new LaneKeys("test-" + UUID.randomUUID());
  private final AcquirePermitScript acquire = new AcquirePermitScript();
  private final ReleasePermitScript release = new ReleasePermitScript();
  private final RenewPermitScript renew = new RenewPermitScript();
  private final LaneLimitScript laneLimit = new LaneLimitScript();
  private final List<String> published = new CopyOnWriteArrayList<>();
  private PubSubConnection subscriber;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connector = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
  }

  @AfterAll
  static void stopRedis() {
    await(vertx.close());
    redis.close();
  }

  @BeforeEach
  void listenToTheFreedChannel() {
    subscriber = await(PubSubConnection.open(vertx, RedisSettings.standalone(redis.url()),
        (channel, payload) -> published.add(payload), lost -> {}));
    await(subscriber.subscribe(List.of(keys.freed(LANE))));
  }

  @AfterEach
  void stopListening() {
    await(subscriber.close());
  }

  @Test
  void acquireAdmitsUpToTheLimitThenRefusesWithTheTimeUntilTheEarliestLeaseEnds() {
    for (int i = 1; i <= 10; i++) {
      AcquirePermitScript.Result admitted = acquire("p" + i, 10, LEASE_MS);
      assertTrue(admitted.admitted());
      assertEquals(i, admitted.taken());
    }
    AcquirePermitScript.Result refused = acquire("p11", 10, LEASE_MS);

    assertFalse(refused.admitted());
    assertEquals(10, refused.taken());
    assertEquals(10, refused.effectiveLimit());
    assertTrue(refused.expiresInMs() > LEASE_MS - 5_000 && refused.expiresInMs() <= LEASE_MS, refused.toString());
    assertEquals(10, zcard());
  }

  @Test
  void acquireRetriedWithTheSameIdTakesNothingMore() {
    assertTrue(acquire("p1", 2, LEASE_MS).admitted());
    assertTrue(acquire("p1", 2, LEASE_MS).admitted());

    assertEquals(1, zcard());
    assertTrue(acquire("p2", 2, LEASE_MS).admitted());
  }

  @Test
  void expiredLeaseIsReclaimedByTheNextAcquireWhichTellsTheWaiters() throws InterruptedException {
    assertTrue(acquire("live", 2, LEASE_MS).admitted());
    assertTrue(acquire("dead-replica", 2, 50).admitted());
    assertFalse(acquire("p1", 2, LEASE_MS).admitted());

    Thread.sleep(80);
    AcquirePermitScript.Result admitted = acquire("p1", 2, LEASE_MS);

    assertTrue(admitted.admitted());
    assertEquals(2, admitted.taken());
    assertEquals(List.of("live", "p1"), members());
    awaitPublished(List.of("1"));
  }

  @Test
  void releaseIsIdempotentAndPublishesOnlyWhenItFreedASlot() {
    acquire("p1", 10, LEASE_MS);
    acquire("p2", 10, LEASE_MS);

    assertTrue(await(release.run(connector, keys, new PermitStore.Permit(LANE, "p1"))));
    assertFalse(await(release.run(connector, keys, new PermitStore.Permit(LANE, "p1"))));
    assertFalse(await(release.run(connector, keys, new PermitStore.Permit(LANE, "never-taken"))));

    assertEquals(List.of("p2"), members());
    awaitPublished(List.of("1"));
  }

  @Test
  void renewExtendsALiveLeaseAndNeverRevivesAnExpiredOne() throws InterruptedException {
    acquire("live", 10, 1_000);
    acquire("dying", 10, 50);
    Thread.sleep(80);

    assertTrue(await(renew.run(connector, keys, new PermitStore.Permit(LANE, "live"), LEASE_MS)));
    assertFalse(await(renew.run(connector, keys, new PermitStore.Permit(LANE, "dying"), LEASE_MS)));
    assertFalse(await(renew.run(connector, keys, new PermitStore.Permit(LANE, "unknown"), LEASE_MS)));

    long liveExpiry = await(connector.send("ZSCORE", keys.permits(LANE), "live")).asLong();
    long now = System.currentTimeMillis();
    assertTrue(liveExpiry > now + LEASE_MS - 5_000, "renewed lease runs about " + LEASE_MS + " ms");
    long pttl = await(connector.send("PTTL", keys.permits(LANE))).asLong();
    assertTrue(pttl > LEASE_MS - 5_000, "the key lives as long as its latest lease, got pttl " + pttl);
  }

  @Test
  void permitsKeyDisappearsWhenItsLastLeaseEnds() throws InterruptedException {
    acquire("p1", 10, 100);
    Thread.sleep(150);

    assertEquals(0, await(connector.send("EXISTS", List.of(keys.permits(LANE)))).asInt());
  }

  @Test
  void aWaveOf429sLowersTheSharedLimitOnceAndTheNextWaveAgain() {
    long epoch = acquire("p1", 10, LEASE_MS).epoch();

    assertEquals(new LaneLimitScript.Result(7, 1), limit(LaneLimitScript.Outcome.THROTTLED, epoch));
    assertEquals(new LaneLimitScript.Result(7, 1), limit(LaneLimitScript.Outcome.THROTTLED, epoch));
    long nextEpoch = acquire("p2", 10, LEASE_MS).epoch();
    assertEquals(1, nextEpoch);
    assertEquals(new LaneLimitScript.Result(5, 2), limit(LaneLimitScript.Outcome.THROTTLED, nextEpoch));
  }

  @Test
  void theSharedLimitNeverGoesBelowOne() {
    for (int epoch = 0; epoch < 12; epoch++) {
      limit(LaneLimitScript.Outcome.THROTTLED, epoch);
    }
    assertEquals(new LaneLimitScript.Result(1, 12), limit(LaneLimitScript.Outcome.SUCCESS, 12));
  }

  @Test
  void acquireAdmitsOnlyUpToTheSharedLimit() {
    limit(LaneLimitScript.Outcome.THROTTLED, 0); // 10 → 7
    for (int i = 0; i < 7; i++) {
      assertTrue(acquire("p" + i, 10, LEASE_MS).admitted());
    }
    AcquirePermitScript.Result refused = acquire("p7", 10, LEASE_MS);

    assertFalse(refused.admitted());
    assertEquals(7, refused.effectiveLimit());
    assertEquals(1, refused.epoch());
  }

  @Test
  void successesRaiseTheLimitByOneEveryTwentyButStayUnderTheLimitThatDrew429() {
    limit(LaneLimitScript.Outcome.THROTTLED, 0); // 10 → 7, ceiling 10
    limit(LaneLimitScript.Outcome.THROTTLED, 1); // 7 → 5, ceiling 7

    assertEquals(5, successes(19).effectiveLimit());
    assertEquals(6, successes(1).effectiveLimit());
    assertEquals(6, successes(100).effectiveLimit(), "7 drew a 429: the limit holds at 6 for the ceiling hold");
  }

  @Test
  void successesClimbBackToTheConfiguredLimitOnceTheCeilingHoldIsOver() {
    limit(LaneLimitScript.Outcome.THROTTLED, 0); // 10 → 7
    await(connector.send("HSET", List.of(keys.limit(LANE), "ceiling_until", "0")));

    assertEquals(10, successes(60).effectiveLimit());
    assertEquals(10, successes(40).effectiveLimit(), "never above the configured limit");
  }

  private AcquirePermitScript.Result acquire(String id, int maxInFlight, long leaseMs) {
    return await(acquire.run(connector, keys, new AcquirePermitScript.Args(LANE, id, maxInFlight, leaseMs)));
  }

  private LaneLimitScript.Result limit(LaneLimitScript.Outcome outcome, long epoch) {
    return await(laneLimit.run(connector, keys, LANE, outcome, epoch, 10));
  }

  private LaneLimitScript.Result successes(int count) {
    LaneLimitScript.Result last = null;
    for (int i = 0; i < count; i++) {
      last = limit(LaneLimitScript.Outcome.SUCCESS, 0);
    }
    return last;
  }

  private int zcard() {
    return await(connector.send("ZCARD", keys.permits(LANE))).asInt();
  }

  private List<String> members() {
    Reply all = await(connector.send("ZRANGE", List.of(keys.permits(LANE), "0", "-1")));
    return all.asStrings();
  }

  private void awaitPublished(List<String> expected) {
    long deadline = System.currentTimeMillis() + 2_000;
    while (!published.equals(expected) && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(expected, published);
  }

}
