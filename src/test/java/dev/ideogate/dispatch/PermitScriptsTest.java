package dev.ideogate.dispatch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.redis.RedisClock;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import dev.ideogate.redis.PubSubConnection;
import dev.ideogate.redis.Reply;
import dev.ideogate.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each permit script alone against a real Redis, read back key by key as an SRE would with redis-cli; and the release
 * (a plain ZREM, ARCHITECTURE.md §8) as another replica's waiter hears it on the lane's channel: it publishes only
 * while a waiter was announced or when it frees a slot of a full lane.
 */
class PermitScriptsTest {
  private static final String LANE = "0123456789ab";
  private static final long LEASE_MS = 60_000;
  private static final String END = "end-of-test";

  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final LaneKeys keys = new LaneKeys("test-" + UUID.randomUUID());
  private final AcquirePermitScript acquire = new AcquirePermitScript();
  private final RenewPermitScript renew = new RenewPermitScript();
  private final LaneLimitScript laneLimit = new LaneLimitScript();
  private final List<String> published = new CopyOnWriteArrayList<>();
  private final List<RedisPermitStore> stores = new ArrayList<>();
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
    stores.forEach(store -> await(store.close()));
    await(subscriber.close());
  }

  @Test
  void acquireAdmitsUpToTheLimitThenRefusesWithTheTimeUntilTheEarliestLeaseEnds() {
    for (int i = 1; i <= 10; i++) {
      AcquirePermitScript.Result admitted = acquire("p" + i, 10, LEASE_MS);
      assertTrue(admitted.admitted());
      assertEquals(i, admitted.taken());
      assertEquals(i == 10, admitted.filledTheLane(), "only the 10th leaves no free slot");
    }
    AcquirePermitScript.Result refused = acquire("p11", 10, LEASE_MS);

    assertFalse(refused.admitted());
    assertEquals(10, refused.taken());
    assertEquals(10, refused.effectiveLimit());
    assertTrue(refused.expiresInMs() > LEASE_MS - 5_000 && refused.expiresInMs() <= LEASE_MS, refused.toString());
    assertEquals(10, zcard());
  }

  @Test
  void anAdmissionExecutesFourCommandsAndLeavesNoTtl() {
    try (RedisServer owned = RedisServer.startOwned()) {
      RedisConnector counted = new RedisConnector(vertx, RedisSettings.standalone(owned.url()));
      long now = await(counted.send("TIME")).get(0).asLong() * 1000;
      await(acquire.run(counted, keys, new AcquirePermitScript.Args(LANE, "warm", 10, LEASE_MS, now, true)));
      await(counted.send("CONFIG", "RESETSTAT"));

      assertTrue(await(acquire.run(counted, keys,
          new AcquirePermitScript.Args(LANE, "p1", 10, LEASE_MS, now, true))).admitted());

      String stats = await(counted.send("INFO", "commandstats")).asString();
      for (String command : List.of("evalsha", "hmget", "zcard", "zadd")) {
        assertTrue(stats.contains("cmdstat_" + command + ":calls=1,"), command + " once: " + stats);
      }
      assertFalse(stats.contains("cmdstat_time") || stats.contains("cmdstat_pexpire"), "no TIME, no TTL: " + stats);
      assertEquals(now + LEASE_MS, await(counted.send("ZSCORE", keys.permits(LANE), "p1")).asLong(),
          "the lease runs from the caller's now");
      assertEquals(-1, await(counted.send("PTTL", keys.permits(LANE))).asLong());
      await(counted.close());
    }
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
    assertFalse(acquire("p1", 2, LEASE_MS, false).admitted());

    Thread.sleep(80);
    AcquirePermitScript.Result admitted = acquire("p1", 2, LEASE_MS);

    assertTrue(admitted.admitted());
    assertEquals(2, admitted.taken());
    assertEquals(List.of("live", "p1"), members());
    awaitPublished(List.of("1"));
  }

  @Test
  void aRefusalAnnouncesAWaiterOnlyWhenAskedAndAnAdmissionNever() {
    assertTrue(acquire("p1", 1, LEASE_MS, true).admitted());
    assertFalse(acquire("p2", 1, LEASE_MS, false).admitted());
    assertFalse(acquire("p3", 1, LEASE_MS, true).admitted());

    awaitPublished(List.of(FreedSubscriber.WAITING));
  }

  @Test
  void theLastLeaseRemovedTakesTheKeyWithIt() {
    acquire("p1", 10, LEASE_MS);
    acquire("p2", 10, LEASE_MS);
    await(connector.send("ZREM", keys.permits(LANE), "p1"));
    await(connector.send("ZREM", keys.permits(LANE), "p2"));

    assertEquals(0, await(connector.send("EXISTS", List.of(keys.permits(LANE)))).asInt());
  }

  @Test
  void aSuccessIsWorthReportingOnlyWhileTheSharedLimitIsBelowItsCap() {
    assertFalse(acquire("at-cap", 10, LEASE_MS).raisable(), "at the configured cap nothing can rise");
    limit(LaneLimitScript.Outcome.THROTTLED, 0); // 10 → 7, ceiling 10 for the hold: cap 9
    assertTrue(acquire("lowered", 10, LEASE_MS).raisable());
    await(connector.send("HSET", List.of(keys.limit(LANE), "limit", "9")));
    assertFalse(acquire("under-ceiling", 10, LEASE_MS).raisable(), "9 is the ceiling's cap while it holds");
    await(connector.send("HSET", List.of(keys.limit(LANE), "ceiling_until", "0")));
    assertTrue(acquire("hold-over", 10, LEASE_MS).raisable(), "after the hold it may climb to 10 again");
  }

  @Test
  void renewExtendsALiveLeaseAndNeverRevivesAnExpiredOne() throws InterruptedException {
    acquire("live", 10, 1_000);
    acquire("dying", 10, 50);
    Thread.sleep(80);

    assertTrue(renew("live", LEASE_MS));
    assertFalse(renew("dying", LEASE_MS));
    assertFalse(renew("unknown", LEASE_MS));

    long liveExpiry = await(connector.send("ZSCORE", keys.permits(LANE), "live")).asLong();
    long now = System.currentTimeMillis();
    assertTrue(liveExpiry > now + LEASE_MS - 5_000, "renewed lease runs about " + LEASE_MS + " ms");
  }

  @Test
  void renewSweepsADeadReplicasLeasesAndTellsTheWaiters() throws InterruptedException {
    acquire("live", 10, 1_000);
    acquire("dead-1", 10, 50);
    acquire("dead-2", 10, 50);
    Thread.sleep(80);

    assertTrue(renew("live", LEASE_MS));

    assertEquals(List.of("live"), members());
    awaitPublished(List.of("2"));
  }

  @Test
  void renewTakesOffATtlThatWouldEndLeasesAddedSince() {
    acquire("renewed", 10, LEASE_MS);
    await(connector.send("PEXPIRE", keys.permits(LANE), "200")); // as an older permit_acquire.lua left it
    acquire("added-since", 10, LEASE_MS);

    assertTrue(renew("renewed", LEASE_MS));

    assertEquals(-1, await(connector.send("PTTL", keys.permits(LANE))).asLong());
    assertEquals(List.of("added-since", "renewed"), members());
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

  @Test
  void aReleaseOnAnUncontendedLaneIsOneZremAndPublishesNothing() {
    RedisPermitStore store = store();
    PermitStore.Permit first = onLoop(() -> store.tryAcquire(LANE, 10));
    PermitStore.Permit second = onLoop(() -> store.tryAcquire(LANE, 10));

    onLoop(() -> store.release(first));
    onLoop(() -> store.release(second));

    assertEquals(List.of(), heardUntilTheEnd());
    assertEquals(0, await(connector.send("EXISTS", List.of(keys.permits(LANE)))).asInt(), "an idle lane leaves nothing");
  }

  @Test
  void thePermitThatFilledTheLaneWakesTheWaitersWhenReleased() {
    RedisPermitStore store = store();
    PermitStore.Permit first = onLoop(() -> store.tryAcquire(LANE, 2));
    PermitStore.Permit filler = onLoop(() -> store.tryAcquire(LANE, 2));

    onLoop(() -> store.release(filler));
    onLoop(() -> store.release(first));

    assertEquals(List.of("1"), heardUntilTheEnd());
  }

  /**
   * The announcement itself: the holder's lane has stopped counting as contended since it started listening (a short
   * window here), so only the waiter's {@code waiting} makes its releases publish.
   */
  @Test
  void aWaiterRefusedOnOneReplicaMakesTheOthersReleasesPublish() {
    RedisPermitStore holder = store(1_500);
    RedisPermitStore waiter = store(1_500);
    AtomicInteger holderWoken = new AtomicInteger();
    AtomicInteger waiterWoken = new AtomicInteger();
    holder.onFreed(LANE, holderWoken::incrementAndGet);
    waiter.onFreed(LANE, waiterWoken::incrementAndGet);
    // Each subscriber wakes its lanes once it has subscribed: from then on it hears the channel.
    Await.until("both replicas listen", Duration.ofSeconds(5), () -> holderWoken.get() > 0 && waiterWoken.get() > 0);
    Await.until("the holder's window after it started listening is over", Duration.ofSeconds(5),
        () -> !holder.contended(LANE));
    List<PermitStore.Permit> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(onLoop(() -> holder.tryAcquire(LANE, 3)));
    }

    assertNull(onLoop(() -> waiter.tryAcquire(LANE, 3)));
    assertNull(onLoop(() -> waiter.tryAcquire(LANE, 3)), "refused again: announced once for the while");
    Await.until("the holder heard of the waiter", Duration.ofSeconds(5), () -> holder.contended(LANE));
    onLoop(() -> holder.release(held.get(0)));
    assertNotNull(onLoop(() -> waiter.tryAcquire(LANE, 3)));
    onLoop(() -> holder.release(held.get(1)));

    assertEquals(List.of(FreedSubscriber.WAITING, "1", "1"), heardUntilTheEnd());
  }

  /**
   * A replica that starts listening after a waiter was announced did not hear it, and the waiter does not announce
   * again for half the window: the late replica's releases publish all the same (its lane was the one that missed
   * a wake-up in ClusterLaneFailoverTest).
   */
  @Test
  void aReplicaThatStartsListeningAfterAnAnnouncementCountsTheLaneAsContended() {
    RedisPermitStore waiter = store();
    RedisPermitStore holder = store();
    PermitStore.Permit held = onLoop(() -> holder.tryAcquire(LANE, 2));
    assertNotNull(onLoop(() -> holder.tryAcquire(LANE, 2))); // fills the lane: its own release would publish anyway
    assertNull(onLoop(() -> waiter.tryAcquire(LANE, 2))); // refused: announced, before the holder listens
    assertFalse(holder.contended(LANE), "nobody listened on this replica yet");

    AtomicInteger listening = new AtomicInteger();
    holder.onFreed(LANE, listening::incrementAndGet);
    Await.until("the holder listens", Duration.ofSeconds(5), () -> listening.get() > 0);

    assertTrue(holder.contended(LANE));
    onLoop(() -> holder.release(held));
    assertEquals(List.of(FreedSubscriber.WAITING, "1"), heardUntilTheEnd());
  }

  private RedisPermitStore store() {
    return store(RedisPermitStore.CONTENDED_MS);
  }

  /** A store whose lanes count as contended for {@code contendedMs} after an announcement, or after it listens. */
  private RedisPermitStore store(long contendedMs) {
    RedisPermitStore store = new RedisPermitStore(vertx, connector,
        RedisSettings.standalone(redis.url()).withKeyPrefix(keys.prefix()), LEASE_MS, false, contendedMs);
    stores.add(store);
    return store;
  }

  /** Every payload published on the lane's channel before a marker the test publishes last. */
  private List<String> heardUntilTheEnd() {
    await(connector.send("PUBLISH", keys.freed(LANE), END));
    Await.until("the marker came back", Duration.ofSeconds(5), () -> published.contains(END));
    return published.subList(0, published.indexOf(END));
  }

  /** Runs on an event loop, as the dispatcher does: commands of one loop go out in order on one connection. */
  private static <T> T onLoop(Supplier<Future<T>> action) {
    Context loop = vertx.getOrCreateContext();
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(done));
    return await(done.future());
  }
  private AcquirePermitScript.Result acquire(String id, int maxInFlight, long leaseMs) {
    return acquire(id, maxInFlight, leaseMs, false);
  }

  // now -1: the script reads TIME itself, as on a replica without a clock sample yet
  private AcquirePermitScript.Result acquire(String id, int maxInFlight, long leaseMs, boolean announce) {
    return await(acquire.run(connector, keys,
        new AcquirePermitScript.Args(LANE, id, maxInFlight, leaseMs, RedisClock.UNKNOWN, announce)));
  }

  private boolean renew(String id, long leaseMs) {
    return await(renew.run(connector, keys, new PermitStore.Permit(LANE, id), leaseMs, RedisClock.UNKNOWN));
  }

  private LaneLimitScript.Result limit(LaneLimitScript.Outcome outcome, long epoch) {
    return await(laneLimit.run(connector, keys, LANE, outcome, epoch, 10, RedisClock.UNKNOWN));
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
