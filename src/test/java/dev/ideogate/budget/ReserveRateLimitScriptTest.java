package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

/**
 * {@code reserve.lua} with rate buckets (ARCHITECTURE.md §2 step 10) against a real Redis: the GCRA check of
 * {@code rate_limit.lua} first, then the hold; read back key by key.
 */
class ReserveRateLimitScriptTest {
  private static final BudgetWindow NOV_26 = BudgetWindow.of(LocalDate.of(2026, 11, 26));
  private static final long LEASE_MS = 600_000;
  private static final long NOW_MS = 1_796_000_000_000L;
  private static final long NOW_US = NOW_MS * 1000;
  /** 60 a minute: one request a second. */
  private static final long SECOND_US = 1_000_000;

  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisConnector connector;
  private final BudgetKeys keys = new BudgetKeys("test-" + UUID.randomUUID());
  private final ReserveScript reserve = new ReserveScript();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connector = redis.connector(vertx);
  }

  @AfterAll
  static void stopRedis() {
    Await.await(vertx.close());
    redis.close();
  }

  @Test
  void admittedByRateAndBudgetAdvancesTheBucketAndHolds() {
    RateCheck team = new RateCheck(List.of("t:a"), List.of(SECOND_US), List.of(2));

    ReserveScript.Result first = reserve("h1", 10, 100, team);

    assertTrue(first.admitted());
    assertEquals(90, first.remainingMicroUsd());
    assertEquals(new RateCheck.Outcome(true, 2, 1, 0, SECOND_US, List.of(NOW_US + SECOND_US)), first.rate());
    assertEquals(Long.toString(NOW_US + SECOND_US), get(keys.rate("a", "t:a")));
    long pttl = Await.await(connector.send("PTTL", keys.rate("a", "t:a"))).asLong();
    assertTrue(pttl > 0 && pttl <= 1001, "the tat lives until the bucket is full again, PTTL " + pttl);
    assertEquals("10", get(keys.held("a")));

    ReserveScript.Result second = reserve("h2", 10, 100, team);
    assertEquals(new RateCheck.Outcome(true, 2, 0, 0, 2 * SECOND_US, List.of(NOW_US + 2 * SECOND_US)),
        second.rate());
    assertEquals("20", get(keys.held("a")));
  }

  @Test
  void aRateRefusalWritesNothingAndHoldsNothing() {
    RateCheck team = new RateCheck(List.of("t:a"), List.of(SECOND_US), List.of(1));
    reserve("h1", 10, 100, team);

    ReserveScript.Result refused = reserve("h2", 10, 100, team);

    assertTrue(refused.rateRefused());
    assertTrue(!refused.admitted());
    // the next request is due in a second; the bucket (of one) is full again then too
    assertEquals(new RateCheck.Outcome(false, 1, 0, SECOND_US, SECOND_US, List.of(NOW_US + SECOND_US)),
        refused.rate());
    assertEquals(Long.toString(NOW_US + SECOND_US), get(keys.rate("a", "t:a")));
    assertEquals("10", get(keys.held("a")));
    assertEquals(1, Await.await(connector.send("ZCARD", keys.holds("a"))).asLong());
  }

  @Test
  void aBudgetRefusalSpendsTheRateToken() {
    RateCheck team = new RateCheck(List.of("t:a"), List.of(SECOND_US), List.of(5));

    ReserveScript.Result refused = reserve("h1", 200, 100, team);

    assertEquals(BudgetRefusal.Window.DAY, refused.refusedBy());
    assertEquals(100, refused.remainingMicroUsd());
    assertEquals(new RateCheck.Outcome(true, 5, 4, 0, SECOND_US, List.of(NOW_US + SECOND_US)), refused.rate());
    assertEquals(Long.toString(NOW_US + SECOND_US), get(keys.rate("a", "t:a")));
    assertNull(get(keys.held("a")));
  }

  @Test
  void aRequestIsAdmittedOnlyWhenBothBucketsAdmitIt() {
    // the key's bucket of 1 binds before the team's bucket of 5
    RateCheck both = new RateCheck(List.of("k:key1", "t:a"), List.of(SECOND_US, SECOND_US), List.of(1, 5));

    ReserveScript.Result first = reserve("h1", 1, 100, both);
    ReserveScript.Result second = reserve("h2", 1, 100, both);

    assertEquals(new RateCheck.Outcome(true, 1, 0, 0, SECOND_US, List.of(NOW_US + SECOND_US, NOW_US + SECOND_US)),
        first.rate());
    assertTrue(second.rateRefused());
    assertEquals(List.of(NOW_US + SECOND_US, NOW_US + SECOND_US), second.rate().tatsUs());
    assertEquals(Long.toString(NOW_US + SECOND_US), get(keys.rate("a", "t:a")), "the team's token is not spent");
    assertEquals("1", get(keys.held("a")));
  }

  @Test
  void withoutBucketsTheAnswerIsTheBudgetsAlone() {
    ReserveScript.Result admitted = reserve("h1", 10, 100, null);

    assertEquals(ReserveScript.Result.admitted(90), admitted);
  }

  private ReserveScript.Result reserve(String holdId, long amount, long daily, RateCheck rate) {
    return Await.await(reserve.run(connector, keys,
        new ReserveScript.Args("a", NOV_26, holdId, amount, daily, OptionalLong.empty(), LEASE_MS, NOW_MS), rate));
  }

  private String get(String key) {
    return Await.await(connector.send("GET", key)).asString();
  }
}
