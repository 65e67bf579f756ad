package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisClock;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each Lua script alone against a real Redis, read back key by key as an SRE would with redis-cli. */
class BudgetScriptsTest {
  private static final BudgetWindow NOV_26 = BudgetWindow.of(LocalDate.of(2026, 11, 26));
  private static final BudgetWindow DEC_01 = BudgetWindow.of(LocalDate.of(2026, 12, 1));
  private static final OptionalLong NO_MONTHLY = OptionalLong.empty();
  private static final long LEASE_MS = 600_000;
  /** Scripts take now as an argument: a fixed one makes every lease exact, no sleeping. */
  private static final long NOW = 1_796_000_000_000L;

  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final BudgetKeys keys = new BudgetKeys("test-" + UUID.randomUUID());
  private final ReserveScript reserve = new ReserveScript();
  private final SettleScript settle = new SettleScript();
  private final ReleaseScript release = new ReleaseScript();
  private final HoldRenewScript renew = new HoldRenewScript();
  private final HoldReclaimScript reclaimScript = new HoldReclaimScript();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connector = redis.connector(vertx); // has answered a PING: the first script is not a cold JVM's connect
  }

  @AfterAll
  static void stopRedis() {
    Await.await(vertx.close());
    redis.close();
  }

  @Test
  void reserveAdmitsExactlyUpToTheDailyLimitThenRefuses() {
    assertEquals(ReserveScript.Result.admitted(40), reserve("a", "h1", 60, 100, NO_MONTHLY, NOV_26));
    assertEquals(ReserveScript.Result.admitted(0), reserve("a", "h2", 40, 100, NO_MONTHLY, NOV_26));
    assertEquals(new ReserveScript.Result(BudgetRefusal.Window.DAY, 0, false, new ReserveScript.Read(0, 0, 100)),
        reserve("a", "h3", 1, 100, NO_MONTHLY, NOV_26));

    assertEquals("100", get(keys.held("a")));
    assertEquals(List.of("h1|60|" + keys.spentDay("a", "2026-11-26") + "|" + keys.spentMonth("a", "2026-11"),
        "h2|40|" + keys.spentDay("a", "2026-11-26") + "|" + keys.spentMonth("a", "2026-11")),
        Await.await(connector.send("ZRANGE", keys.holds("a"), "0", "-1")).asStrings());
    assertEquals(NOW + LEASE_MS, Await.await(connector.send("ZSCORE", keys.holds("a"), member("h1", 60))).asLong());
  }

  @Test
  void reserveRefusesByTheMonthlyWindowWithWhatItHasLeft() {
    Await.await(connector.send("SET", List.of(keys.spentMonth("a", "2026-11"), "90")));

    ReserveScript.Result refused = reserve("a", "h1", 20, 1_000, OptionalLong.of(100), NOV_26);

    assertEquals(new ReserveScript.Result(BudgetRefusal.Window.MONTH, 10, false, new ReserveScript.Read(0, 90, 0)),
        refused);
    assertNull(get(keys.held("a")));
  }

  @Test
  void reserveIsExactAtTheLargestIntegerLuaHolds() {
    long max = ReserveScript.MAX_EXACT_MICRO_USD;

    assertEquals(ReserveScript.Result.admitted(1), reserve("a", "h1", max - 1, max, OptionalLong.of(max), NOV_26));
    assertEquals(ReserveScript.Result.admitted(0), reserve("a", "h2", 1, max, OptionalLong.of(max), NOV_26));
    assertEquals(new ReserveScript.Result(BudgetRefusal.Window.DAY, 0, false, new ReserveScript.Read(0, 0, max)),
        reserve("a", "h3", 1, max, OptionalLong.of(max), NOV_26));
    assertEquals(Long.toString(max), get(keys.held("a")));
  }

  @Test
  void aRetriedReserveOfTheSameHoldHoldsOnceAdmittedOrAtTheLimit() {
    reserve("a", "h1", 30, 100, NO_MONTHLY, NOV_26);

    assertEquals(ReserveScript.Result.admitted(70), reserve("a", "h1", 30, 100, NO_MONTHLY, NOV_26));
    assertEquals(ReserveScript.Result.admitted(0), reserve("a", "h1", 30, 30, NO_MONTHLY, NOV_26));
    assertEquals("30", get(keys.held("a")));
    assertEquals(1L, Await.await(connector.send("ZCARD", keys.holds("a"))).asLong());
  }

  @Test
  void aRefusalSaysWhetherExpiredHoldsExistAndReclaimsNothing() {
    reserve("a", "old", 70, 100, NO_MONTHLY, NOV_26, NOW - 2 * LEASE_MS); // its lease ran out at NOW − LEASE_MS

    assertEquals(ReserveScript.Result.admitted(0), reserve("a", "fits", 30, 100, NO_MONTHLY, NOV_26));
    assertEquals(new ReserveScript.Result(BudgetRefusal.Window.DAY, 0, true, new ReserveScript.Read(0, 0, 100)),
        reserve("a", "more", 10, 100, NO_MONTHLY, NOV_26));

    assertEquals("100", get(keys.held("a")), "an admission never reclaims");
    assertNull(get(keys.holdsExpired("a")));
  }

  @Test
  void withoutAKnownClockReserveAndRenewReadRedisTime() {
    long before = System.currentTimeMillis();
    reserve("a", "h1", 10, 100, NO_MONTHLY, NOV_26, RedisClock.UNKNOWN);
    long expiry = Await.await(connector.send("ZSCORE", keys.holds("a"), member("h1", 10))).asLong();
    assertTrue(expiry >= before + LEASE_MS - 1_000 && expiry <= System.currentTimeMillis() + LEASE_MS + 1_000,
        "lease from Redis TIME: " + expiry);

    assertEquals(1, Await.await(renew.run(connector, keys, "a", 2 * LEASE_MS, RedisClock.UNKNOWN,
        List.of(member("h1", 10)))));
    assertTrue(Await.await(connector.send("ZSCORE", keys.holds("a"), member("h1", 10))).asLong()
        >= before + 2 * LEASE_MS - 1_000);
  }

  @Test
  void settleChargesOnceClampedToTheHoldAndLeavesImagesToTheLedger() {
    reserve("a", "h1", 80, 1_000, NO_MONTHLY, NOV_26);

    assertEquals(new SettleScript.Result(true, new Settlement(80, 920)), settle("h1", 80, 500));
    assertEquals(new SettleScript.Result(false, new Settlement(0, 920)), settle("h1", 80, 500));

    assertEquals("80", get(keys.spentDay("a", "2026-11-26")));
    assertEquals("80", get(keys.spentMonth("a", "2026-11")));
    assertNull(get(keys.imagesDay("a", "2026-11-26")));
    assertEquals("0", get(keys.held("a")));
    assertEquals(0L, Await.await(connector.send("ZCARD", keys.holds("a"))).asLong());
    assertTtlDays(keys.spentDay("a", "2026-11-26"), 40);
    assertTtlDays(keys.spentMonth("a", "2026-11"), 400);
  }

  @Test
  void releaseDropsTheHoldOnceWithoutCharge() {
    reserve("a", "h1", 80, 1_000, NO_MONTHLY, NOV_26);

    assertEquals(ReleaseScript.Result.RELEASED, release("h1", 80));
    assertEquals(ReleaseScript.Result.ALREADY_GONE, release("h1", 80));

    assertEquals("0", get(keys.held("a")));
    assertNull(get(keys.spentDay("a", "2026-11-26")));
    assertEquals(0L, Await.await(connector.send("ZCARD", keys.holds("a"))).asLong());
  }

  @Test
  void reclaimChargesEachExpiredHoldInFullToItsOwnWindowsOnce() {
    reserve("a", "stale", 70, 1_000, NO_MONTHLY, NOV_26, NOW - 2 * LEASE_MS);
    reserve("a", "live", 10, 1_000, NO_MONTHLY, DEC_01);

    assertEquals(1, reclaim("a", NOW));
    assertEquals(0, reclaim("a", NOW));

    assertEquals("70", get(keys.spentDay("a", "2026-11-26")));
    assertEquals("70", get(keys.spentMonth("a", "2026-11")));
    assertNull(get(keys.spentDay("a", "2026-12-01")));
    assertTtlDays(keys.spentDay("a", "2026-11-26"), 40);
    assertEquals("10", get(keys.held("a")));
    assertEquals("1", get(keys.holdsExpired("a")));
    assertEquals(new SettleScript.Result(false, new Settlement(0, 920)), settle("stale", 70, 70));
  }

  @Test
  void reclaimChargesAtMostItsBoundPerCall() {
    int holds = HoldReclaimScript.MAX_HOLDS_PER_CALL + 3;
    for (int i = 0; i < holds; i++) {
      reserve("a", "h" + i, 1, 1_000, NO_MONTHLY, NOV_26, NOW - 2 * LEASE_MS);
    }

    assertEquals(HoldReclaimScript.MAX_HOLDS_PER_CALL, reclaim("a", NOW));
    assertEquals(3, reclaim("a", NOW));
    assertEquals(Integer.toString(holds), get(keys.spentDay("a", "2026-11-26")));
    assertEquals("0", get(keys.held("a")));
  }

  /** A rolling upgrade: a hold written by a replica of the previous version (bare id + holds:amt) is charged too. */
  @Test
  void reclaimChargesAnExpiredHoldOfThePreviousMemberFormat() {
    Await.await(connector.send("ZADD", keys.holds("a"), Long.toString(NOW - 1), "old-replica-hold"));
    Await.await(connector.send("HSET", keys.legacyHoldAmounts("a"), "old-replica-hold",
        "25|" + keys.spentDay("a", "2026-11-26") + "|" + keys.spentMonth("a", "2026-11")));
    Await.await(connector.send("SET", keys.held("a"), "25"));

    assertEquals(1, reclaim("a", NOW));

    assertEquals("25", get(keys.spentDay("a", "2026-11-26")));
    assertEquals("25", get(keys.spentMonth("a", "2026-11")));
    assertEquals("0", get(keys.held("a")));
    assertEquals("1", get(keys.holdsExpired("a")));
    assertEquals(0, Await.await(connector.send("EXISTS", keys.legacyHoldAmounts("a"), keys.holds("a"))).asLong());
  }

  @Test
  void renewExtendsLiveHoldsAndNeverRevivesAnExpiredOne() {
    reserve("a", "live", 10, 1_000, NO_MONTHLY, NOV_26);
    reserve("a", "dying", 20, 1_000, NO_MONTHLY, NOV_26, NOW - 2 * LEASE_MS);

    assertEquals(1, Await.await(renew.run(connector, keys, "a", LEASE_MS, NOW + 1_000,
        List.of(member("live", 10), member("dying", 20), member("settled", 5)))));

    assertEquals(NOW + 1_000 + LEASE_MS,
        Await.await(connector.send("ZSCORE", keys.holds("a"), member("live", 10))).asLong());
    assertEquals(NOW - LEASE_MS, Await.await(connector.send("ZSCORE", keys.holds("a"), member("dying", 20))).asLong(),
        "an expired hold stays expired");
    assertEquals(1, reclaim("a", NOW + 1_000));
    assertEquals("20", get(keys.spentDay("a", "2026-11-26")), "the expired hold is charged in full");
  }

  @Test
  void aFlushedScriptCacheIsReloadedOnNoScript() {
    reserve("a", "h1", 10, 100, NO_MONTHLY, NOV_26);
    flushScripts();

    assertEquals(ReserveScript.Result.admitted(80), reserve("a", "h2", 10, 100, NO_MONTHLY, NOV_26));
    assertTrue(cached(reserve.lua()));
    flushScripts();
    assertEquals(new Settlement(10, 980), settle("h2", 10, 10).settlement()); // limit 1000 − spent 10 − held 10
    assertTrue(cached(settle.lua()));
    flushScripts();
    assertEquals(ReleaseScript.Result.RELEASED, release("h1", 10));
    assertTrue(cached(release.lua()));
  }

  private void flushScripts() {
    Await.await(connector.send("SCRIPT", List.of("FLUSH")));
    assertTrue(!cached(reserve.lua()) && !cached(settle.lua()) && !cached(release.lua()));
  }

  private boolean cached(LuaScript lua) {
    return Await.await(connector.send("SCRIPT", List.of("EXISTS", lua.sha1()))).get(0).asInt() == 1;
  }

  private ReserveScript.Result reserve(
      String team, String holdId, long amount, long daily, OptionalLong monthly, BudgetWindow window) {
    return reserve(team, holdId, amount, daily, monthly, window, NOW);
  }

  private ReserveScript.Result reserve(String team, String holdId, long amount, long daily, OptionalLong monthly,
      BudgetWindow window, long nowMs) {
    return Await.await(reserve.run(connector, keys,
        new ReserveScript.Args(team, window, holdId, amount, daily, monthly, LEASE_MS, nowMs)));
  }

  private String member(String holdId, long amount) {
    return keys.member("a", holdId, amount, NOV_26);
  }

  /** Settles hold {@code holdId} of team "a", reserved on 2026-11-26 for {@code amount}. */
  private SettleScript.Result settle(String holdId, long amount, long charge) {
    Hold hold = new Hold(holdId, "a", NOV_26, amount, 0);
    return Await.await(settle.run(connector, keys, new SettleScript.Args(hold, charge, 1_000, NO_MONTHLY)));
  }

  private ReleaseScript.Result release(String holdId, long amount) {
    return Await.await(release.run(connector, keys, new Hold(holdId, "a", NOV_26, amount, 0)));
  }

  private int reclaim(String team, long nowMs) {
    return Await.await(reclaimScript.run(connector, keys, team, nowMs));
  }

  private String get(String key) {
    return Await.await(connector.send("GET", key)).asString();
  }

  private void assertTtlDays(String key, long days) {
    long ttl = Await.await(connector.send("TTL", key)).asLong();
    assertTrue(ttl > (days * 86400) - 60 && ttl <= days * 86400, key + " TTL " + ttl + " s, expected " + days + " d");
  }
}
