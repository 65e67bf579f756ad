package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.redis.Reply;
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

  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final BudgetKeys keys = new BudgetKeys("test-" + UUID.randomUUID());
  private final ReserveScript reserve = new ReserveScript();
  private final SettleScript settle = new SettleScript();
  private final ReleaseScript release = new ReleaseScript();
  private final HoldRenewScript renew = new HoldRenewScript();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connector = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
  }

  @AfterAll
  static void stopRedis() {
    Await.await(vertx.close());
    redis.close();
  }

  @Test
  void reserveAdmitsExactlyUpToTheDailyLimitThenRefuses() {
    assertEquals(new ReserveScript.Result(null, 40), reserve("a", "h1", 60, 100, NO_MONTHLY, NOV_26));
    assertEquals(new ReserveScript.Result(null, 0), reserve("a", "h2", 40, 100, NO_MONTHLY, NOV_26));
    assertEquals(new ReserveScript.Result(BudgetRefusal.Window.DAY, 0),
        reserve("a", "h3", 1, 100, NO_MONTHLY, NOV_26));

    assertEquals("100", get(keys.held("a")));
    assertEquals(2L, Await.await(connector.send("ZCARD", keys.holds("a"))).asLong());
    assertEquals("60|" + keys.spentDay("a", "2026-11-26") + "|" + keys.spentMonth("a", "2026-11"),
        Await.await(connector.send("HGET", keys.holdAmounts("a"), "h1")).asString());
  }

  @Test
  void reserveRefusesByTheMonthlyWindowWithWhatItHasLeft() {
    Await.await(connector.send("SET", List.of(keys.spentMonth("a", "2026-11"), "90")));

    ReserveScript.Result refused = reserve("a", "h1", 20, 1_000, OptionalLong.of(100), NOV_26);

    assertEquals(new ReserveScript.Result(BudgetRefusal.Window.MONTH, 10), refused);
    assertNull(get(keys.held("a")));
  }

  @Test
  void reserveIsExactAtTheLargestIntegerLuaHolds() {
    long max = ReserveScript.MAX_EXACT_MICRO_USD;

    assertEquals(new ReserveScript.Result(null, 1), reserve("a", "h1", max - 1, max, OptionalLong.of(max), NOV_26));
    assertEquals(new ReserveScript.Result(null, 0), reserve("a", "h2", 1, max, OptionalLong.of(max), NOV_26));
    assertEquals(new ReserveScript.Result(BudgetRefusal.Window.DAY, 0),
        reserve("a", "h3", 1, max, OptionalLong.of(max), NOV_26));
    assertEquals(Long.toString(max), get(keys.held("a")));
  }

  @Test
  void aRetriedReserveWithTheSameHoldIdHoldsOnce() {
    reserve("a", "h1", 30, 100, NO_MONTHLY, NOV_26);

    assertEquals(new ReserveScript.Result(null, 70), reserve("a", "h1", 30, 100, NO_MONTHLY, NOV_26));
    assertEquals("30", get(keys.held("a")));
  }

  @Test
  void settleChargesOnceClampedToTheHoldAndCountsImages() {
    reserve("a", "h1", 80, 1_000, NO_MONTHLY, NOV_26);

    assertEquals(new Settlement(80, 920), settle("a", "h1", 500, 3));
    assertEquals(new Settlement(0, 920), settle("a", "h1", 500, 3));

    assertEquals("80", get(keys.spentDay("a", "2026-11-26")));
    assertEquals("80", get(keys.spentMonth("a", "2026-11")));
    assertEquals("3", get(keys.imagesDay("a", "2026-11-26")));
    assertEquals("3", get(keys.imagesMonth("a", "2026-11")));
    assertEquals("0", get(keys.held("a")));
    assertTtlDays(keys.spentDay("a", "2026-11-26"), 40);
    assertTtlDays(keys.spentMonth("a", "2026-11"), 400);
    assertTtlDays(keys.imagesDay("a", "2026-11-26"), 40);
  }

  @Test
  void releaseDropsTheHoldOnceWithoutCharge() {
    reserve("a", "h1", 80, 1_000, NO_MONTHLY, NOV_26);

    assertEquals(ReleaseScript.Result.RELEASED, release("a", "h1"));
    assertEquals(ReleaseScript.Result.ALREADY_GONE, release("a", "h1"));

    assertEquals("0", get(keys.held("a")));
    assertNull(get(keys.spentDay("a", "2026-11-26")));
    assertEquals(0L, Await.await(connector.send("ZCARD", keys.holds("a"))).asLong());
  }

  @Test
  void anExpiredHoldIsChargedToTheWindowsItWasReservedIn() throws InterruptedException {
    Await.await(reserve.run(connector, keys, new ReserveScript.Args(
        "a", NOV_26, "stale", 70, 1_000, NO_MONTHLY, 1)));
    Thread.sleep(20);

    assertEquals(new ReserveScript.Result(null, 990), reserve("a", "fresh", 10, 1_000, NO_MONTHLY, DEC_01));

    assertEquals("70", get(keys.spentDay("a", "2026-11-26")));
    assertEquals("70", get(keys.spentMonth("a", "2026-11")));
    assertNull(get(keys.spentDay("a", "2026-12-01")));
    assertEquals("10", get(keys.held("a")));
    assertEquals("1", get(keys.holdsExpired("a")));
    assertEquals(new Settlement(0, 920), settle("a", "stale", 70, 1));
  }

  @Test
  void renewExtendsLiveHoldsAndNeverRevivesAnExpiredOne() throws InterruptedException {
    Await.await(reserve.run(connector, keys, new ReserveScript.Args("a", NOV_26, "live", 10, 1_000, NO_MONTHLY, 1_000)));
    Await.await(reserve.run(connector, keys, new ReserveScript.Args("a", NOV_26, "dying", 20, 1_000, NO_MONTHLY, 1)));
    Thread.sleep(20);

    assertEquals(1, Await.await(renew.run(connector, keys, "a", LEASE_MS, List.of("live", "dying", "settled"))));

    long liveExpiry = Await.await(connector.send("ZSCORE", keys.holds("a"), "live")).asLong();
    assertTrue(liveExpiry > System.currentTimeMillis() + LEASE_MS - 60_000, "renewed for about " + LEASE_MS + " ms");
    long dyingExpiry = Await.await(connector.send("ZSCORE", keys.holds("a"), "dying")).asLong();
    assertTrue(dyingExpiry <= System.currentTimeMillis(), "an expired hold stays expired");
    assertEquals(new ReserveScript.Result(null, 960), reserve("a", "next", 10, 1_000, NO_MONTHLY, NOV_26));
    assertEquals("20", get(keys.spentDay("a", "2026-11-26")), "the expired hold is charged in full");
  }

  @Test
  void aFlushedScriptCacheIsReloadedOnNoScript() {
    reserve("a", "h1", 10, 100, NO_MONTHLY, NOV_26);
    flushScripts();

    assertEquals(new ReserveScript.Result(null, 80), reserve("a", "h2", 10, 100, NO_MONTHLY, NOV_26));
    assertTrue(cached(reserve.lua()));
    flushScripts();
    assertEquals(new Settlement(10, 980), settle("a", "h2", 10, 1)); // limit 1000 − spent 10 − held 10
    assertTrue(cached(settle.lua()));
    flushScripts();
    assertEquals(ReleaseScript.Result.RELEASED, release("a", "h1"));
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
    return Await.await(reserve.run(connector, keys,
        new ReserveScript.Args(team, window, holdId, amount, daily, monthly, LEASE_MS)));
  }

  private Settlement settle(String team, String holdId, long charge, int images) {
    return Await.await(settle.run(connector, keys,
        new SettleScript.Args(team, NOV_26, holdId, charge, images, 1_000, NO_MONTHLY)));
  }

  private ReleaseScript.Result release(String team, String holdId) {
    return Await.await(release.run(connector, keys, new ReleaseScript.Args(team, holdId)));
  }

  private String get(String key) {
    return Await.await(connector.send("GET", key)).asString();
  }

  private void assertTtlDays(String key, long days) {
    long ttl = Await.await(connector.send("TTL", key)).asLong();
    assertTrue(ttl > (days * 86400) - 60 && ttl <= days * 86400, key + " TTL " + ttl + " s, expected " + days + " d");
  }
}
