package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.api.GatewayException;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.CommandStats;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger contract against a real Redis, and what only a shared ledger does: a replica's reaper charges the holds
 * of a dead one, image counts reach other replicas within a flush, a batch line's hold is found by its id.
 */
class RedisBudgetLedgerTest extends BudgetLedgerContract {
  private static RedisServer redis;
  private static Vertx vertx;
  private final List<BudgetLedger> ledgers = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    Await.await(redis.connector(vertx).close()); // the Redis client warmed up: a cold JVM's first connect is slow
  }

  @AfterAll
  static void stopRedis() {
    Await.await(vertx.close());
    redis.close();
  }

  @AfterEach
  void closeLedgers() {
    ledgers.forEach(ledger -> Await.await(ledger.close()));
  }

  @Override
  BudgetLedger ledger(long leaseMs) {
    return replica("test-" + UUID.randomUUID(), leaseMs);
  }

  /** A ledger of its own connection on the keys of {@code prefix}: one replica of a gateway. */
  private RedisBudgetLedger replica(String prefix, long leaseMs) {
    RedisSettings settings = RedisSettings.standalone(redis.url()).withKeyPrefix(prefix);
    RedisBudgetLedger ledger = new RedisBudgetLedger(vertx, settings, leaseMs);
    ledgers.add(ledger);
    return ledger;
  }

  /**
   * Issue 14's cheap 402: once Redis has refused a team whose spend leaves no room, the next refusals within a second
   * are this replica's own (counted by Redis: its EVALSHA calls), and nothing Redis would admit is refused.
   */
  @Test
  void aTeamOutOfBudgetIsRefusedAgainWithoutARoundTripAndAdmittedAtOnceWhenItsLimitRises() {
    try (RedisServer own = RedisServer.startOwned()) {
      RedisBudgetLedger ledger = new RedisBudgetLedger(vertx,
          RedisSettings.standalone(own.url()).withKeyPrefix("floor"), LONG_LEASE_MS);
      ledgers.add(ledger);
      TeamBudget team = daily(newTeam(), 100_000);
      Await.await(ledger.settle(Await.await(ledger.reserve(team, NOV_26, 80_000)), 80_000, 1));
      Await.failure(ledger.reserve(team, NOV_26, 30_000)); // Redis refuses: the floor is learnt

      long scriptsBefore = scriptCalls(own);
      long started = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        GatewayException refused = (GatewayException) Await.failure(ledger.reserve(team, NOV_26, 30_000));
        assertEquals("daily budget of team " + team.team() + " exceeded: remaining 0.02 USD, this request needs"
            + " 0.03 USD (window 2026-11-26)", refused.getMessage());
      }
      long elapsedS = (System.nanoTime() - started) / 1_000_000_000L;
      long trips = scriptCalls(own) - scriptsBefore;
      assertTrue(trips <= 1 + elapsedS, trips + " scripts for 200 refusals in " + elapsedS + " s: at most one a second");

      assertEquals(0, Await.await(ledger.reserve(team, NOV_26, 20_000)).remainingMicroUsd(), "what fits is admitted");
      assertEquals(70_000, Await.await(ledger.reserve(daily(team.team(), 200_000), NOV_26, 30_000))
          .remainingMicroUsd(), "a raised limit admits at once");
    }
  }

  private static long scriptCalls(RedisServer server) {
    RedisConnector stats = server.connector(vertx);
    try {
      return CommandStats.calls(stats).getOrDefault("evalsha", 0L);
    } finally {
      Await.await(stats.close());
    }
  }

  @Test
  void theReaperOfALiveReplicaChargesADeadReplicasHoldWithNoRequestArriving() {
    String prefix = "test-" + UUID.randomUUID();
    TeamBudget team = daily(newTeam(), 100_000);
    RedisBudgetLedger dead = replica(prefix, SHORT_LEASE_MS);
    Await.await(dead.reserve(team, NOV_26, 30_000));
    dead.stopRenewing(); // killed: no more beats
    RedisBudgetLedger live = replica(prefix, SHORT_LEASE_MS);
    live.reapHoldsOf(() -> List.of(team.team()));

    Await.until("the dead replica's hold is charged in full", Duration.ofSeconds(10),
        () -> Await.await(live.usage(team, NOV_26)).spentDayMicroUsd() == 30_000);

    TeamUsage usage = Await.await(live.usage(team, NOV_26));
    assertEquals(0, usage.heldMicroUsd());
    assertEquals(1, usage.holdsExpired());
  }

  /** A batch line whose charge could not be recorded leaves its hold to the lease: its live replica stops renewing. */
  @Test
  void anAbandonedHoldIsNoLongerRenewedAndItsLeaseChargesIt() {
    TeamBudget team = daily(newTeam(), 100_000);
    RedisBudgetLedger ledger = replica("test-" + UUID.randomUUID(), SHORT_LEASE_MS);
    ledger.reapHoldsOf(() -> List.of(team.team()));
    Hold hold = Await.await(ledger.reserve(team, NOV_26, 30_000, "batch-b2-1"));

    ledger.abandon(hold);

    Await.until("the abandoned hold is charged in full", Duration.ofSeconds(10),
        () -> Await.await(ledger.usage(team, NOV_26)).spentDayMicroUsd() == 30_000);
    TeamUsage usage = Await.await(ledger.usage(team, NOV_26));
    assertEquals(0, usage.heldMicroUsd());
    assertEquals(1, usage.holdsExpired());
  }

  @Test
  void aReplicaReadsItsOwnImagesAtOnceAndAnotherOnceTheyAreFlushed() {
    String prefix = "test-" + UUID.randomUUID();
    TeamBudget team = daily(newTeam(), 1_000_000);
    RedisBudgetLedger settling = replica(prefix, LONG_LEASE_MS);
    RedisBudgetLedger other = replica(prefix, LONG_LEASE_MS);
    Hold hold = Await.await(settling.reserve(team, NOV_26, 80_000));
    Await.await(settling.settle(hold, 80_000, 3));
    Await.await(settling.settle(hold, 80_000, 3)); // a repeated settle counts no image

    assertEquals(3, Await.await(settling.usage(team, NOV_26)).imagesDay());
    assertEquals(List.of(new DaySpend("2026-11-26", 80_000, 3)),
        Await.await(settling.spentByDay(team.team(), List.of("2026-11-26"))));
    Await.until("another replica sees the images within a flush", Duration.ofSeconds(10),
        () -> Await.await(other.usage(team, NOV_26)).imagesMonth() == 3);
    assertEquals(3, Await.await(settling.usage(team, NOV_26)).imagesDay(), "flushed once, read once");
    assertEquals(3, Await.await(other.usage(team, NOV_26)).imagesDay());
  }

  @Test
  void aReplicaThatClosesFlushesItsImageCountsFirst() {
    String prefix = "test-" + UUID.randomUUID();
    TeamBudget team = daily(newTeam(), 1_000_000);
    RedisBudgetLedger closing = replica(prefix, LONG_LEASE_MS);
    RedisBudgetLedger other = replica(prefix, LONG_LEASE_MS);
    Await.await(closing.settle(Await.await(closing.reserve(team, NOV_26, 80_000)), 80_000, 2));

    ledgers.remove(closing);
    Await.await(closing.close());

    assertEquals(2, Await.await(other.usage(team, NOV_26)).imagesDay());
  }

  @Test
  void aBatchLineTakenOverFindsItsHoldInTheWindowItWasReservedIn() {
    String prefix = "test-" + UUID.randomUUID();
    TeamBudget team = daily(newTeam(), 100_000);
    RedisBudgetLedger first = replica(prefix, LONG_LEASE_MS);
    RedisBudgetLedger next = replica(prefix, LONG_LEASE_MS);
    Await.await(first.reserve(team, NOV_26, 40_000, "batch-b1-7"));

    // The day turned before the takeover: the hold is found under its own day, and nothing more is held.
    Hold found = Await.await(next.reserve(team, NOV_27, 40_000, "batch-b1-7"));

    assertEquals(new Hold("batch-b1-7", team.team(), NOV_26, 40_000, 60_000), found);
    assertEquals(40_000, Await.await(next.usage(team, NOV_27)).heldMicroUsd());
    assertEquals(40_000, Await.await(next.settle(found, 40_000, 0)).chargedMicroUsd());
    assertEquals(40_000, Await.await(next.usage(team, NOV_26)).spentDayMicroUsd());
  }

  /**
   * A reservation with a rate check refused by budget while an expired hold exists reclaims it and retries without
   * the rate check: the request spends one token, not two (ARCHITECTURE.md §2 step 10).
   */
  @Test
  void aRateCheckedReservationRetriedAfterAReclaimSpendsOneToken() {
    TeamBudget team = daily(newTeam(), 150_000);
    RedisBudgetLedger ledger = replica("test-" + UUID.randomUUID(), SHORT_LEASE_MS);
    Await.await(ledger.reserve(team, BudgetWindow.of(LocalDate.of(2026, 11, 25)), 100_000)); // yesterday's hold
    outliveLease(SHORT_LEASE_MS);
    RateCheck twoAMinute = new RateCheck(List.of("t:" + team.team()), List.of(30_000_000L), List.of(2));
    List<RateCheck.Outcome> seen = new ArrayList<>();

    Hold first = Await.await(ledger.reserve(team, NOV_26, 60_000, twoAMinute, seen::add));
    Hold second = Await.await(ledger.reserve(team, NOV_26, 60_000, twoAMinute, seen::add));
    Throwable third = Await.failure(ledger.reserve(team, NOV_26, 1, twoAMinute, seen::add));

    assertEquals(60_000, first.amountMicroUsd());
    assertEquals(60_000, second.amountMicroUsd());
    assertEquals(List.of(1, 0, 0), seen.stream().map(RateCheck.Outcome::remaining).toList());
    assertTrue(third instanceof RateCheck.Refused, third.toString());
    assertEquals(120_000, Await.await(ledger.usage(team, NOV_26)).heldMicroUsd(), "the refused one holds nothing");
    assertEquals(seen.get(1).tatsUs().get(0), ledger.knownTatUs(team.team(), "t:" + team.team()));
  }

  @Override
  void outliveLease(long leaseMs) {
    ledgers.forEach(ledger -> ((RedisBudgetLedger) ledger).stopRenewing());
    try {
      Thread.sleep(leaseMs + 50); // Redis TIME cannot be moved; the lease is short instead
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
