package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.testing.Await;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The semantics every {@link BudgetLedger} must have (ARCHITECTURE.md §7), run against each implementation. */
abstract class BudgetLedgerContract {
  static final long LONG_LEASE_MS = 600_000;
  static final long SHORT_LEASE_MS = 150;
  static final BudgetWindow NOV_26 = BudgetWindow.of(LocalDate.of(2026, 11, 26));
  static final BudgetWindow NOV_27 = BudgetWindow.of(LocalDate.of(2026, 11, 27));
  private static final AtomicInteger TEAMS = new AtomicInteger();

  /** A ledger whose holds expire {@code leaseMs} after they are made. */
  abstract BudgetLedger ledger(long leaseMs);

  /**
   * Lets every hold of a ledger made with {@code leaseMs} expire, as when the replica that made them died: a live
   * Redis ledger renews the holds of running calls, so its heartbeat stops first.
   */
  abstract void outliveLease(long leaseMs);

  static String newTeam() {
    return "team" + TEAMS.incrementAndGet() + "x" + System.nanoTime() % 100_000;
  }

  static TeamBudget daily(String team, long limitMicroUsd) {
    return new TeamBudget(team, limitMicroUsd, OptionalLong.empty());
  }

  @Test
  void admitsExactlyUpToTheDailyLimitAndRefusesBeyond() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    TeamBudget team = daily(newTeam(), 100_000);
    assertEquals(60_000, Await.await(ledger.reserve(team, NOV_26, 40_000)).remainingMicroUsd());
    assertEquals(20_000, Await.await(ledger.reserve(team, NOV_26, 40_000)).remainingMicroUsd());

    GatewayException refused = (GatewayException) Await.failure(ledger.reserve(team, NOV_26, 40_000));

    assertEquals(ErrorCode.BUDGET_EXCEEDED, refused.error());
    assertEquals("daily budget of team " + team.team() + " exceeded: remaining 0.02 USD, this request needs"
        + " 0.04 USD (window 2026-11-26)", refused.getMessage());
    assertEquals(0, Await.await(ledger.reserve(team, NOV_26, 20_000)).remainingMicroUsd());
  }

  @Test
  void refusesByTheMonthlyWindowWhenItIsTighter() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    TeamBudget team = new TeamBudget(newTeam(), 1_000_000, OptionalLong.of(50_000));
    assertEquals(20_000, Await.await(ledger.reserve(team, NOV_26, 30_000)).remainingMicroUsd());

    GatewayException refused = (GatewayException) Await.failure(ledger.reserve(team, NOV_27, 30_000));

    assertEquals(ErrorCode.BUDGET_EXCEEDED, refused.error());
    assertEquals("monthly budget of team " + team.team() + " exceeded: remaining 0.02 USD, this request needs"
        + " 0.03 USD (window 2026-11)", refused.getMessage());
  }

  @Test
  void settleChargesTheHoldsWindowsOnceAndARetryChargesNothing() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    TeamBudget team = new TeamBudget(newTeam(), 1_000_000, OptionalLong.of(5_000_000));
    Hold hold = Await.await(ledger.reserve(team, NOV_26, 80_000));

    assertEquals(new Settlement(50_000, 950_000), Await.await(ledger.settle(hold, 50_000, 2)));
    assertEquals(new Settlement(0, 950_000), Await.await(ledger.settle(hold, 50_000, 2)));

    TeamUsage usage = Await.await(ledger.usage(team, NOV_26));
    assertEquals(50_000, usage.spentDayMicroUsd());
    assertEquals(50_000, usage.spentMonthMicroUsd());
    assertEquals(2, usage.imagesDay());
    assertEquals(2, usage.imagesMonth());
    assertEquals(0, usage.heldMicroUsd());
    assertEquals(950_000, usage.remainingMicroUsd());
  }

  @Test
  void settleNeverChargesMoreThanWasHeld() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    TeamBudget team = daily(newTeam(), 100_000);
    Hold hold = Await.await(ledger.reserve(team, NOV_26, 40_000));

    assertEquals(new Settlement(40_000, 60_000), Await.await(ledger.settle(hold, 999_999, 1)));
  }

  @Test
  void releaseDropsTheHoldWithoutChargeAndARetryIsHarmless() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    TeamBudget team = daily(newTeam(), 100_000);
    Hold hold = Await.await(ledger.reserve(team, NOV_26, 100_000));
    Await.await(ledger.release(hold));
    Await.await(ledger.release(hold));

    assertEquals(new Settlement(0, 100_000), Await.await(ledger.settle(hold, 100_000, 1)));
    TeamUsage usage = Await.await(ledger.usage(team, NOV_26));
    assertEquals(0, usage.spentDayMicroUsd());
    assertEquals(0, usage.heldMicroUsd());
    assertEquals(100_000, Await.await(ledger.reserve(team, NOV_26, 100_000)).amountMicroUsd());
  }

  @Test
  void aRefusalCausedOnlyByAnExpiredHoldChargesItInFullToItsOwnWindowAndAdmits() {
    BudgetLedger ledger = ledger(SHORT_LEASE_MS);
    TeamBudget team = new TeamBudget(newTeam(), 100_000, OptionalLong.of(1_000_000));
    Hold stale = Await.await(ledger.reserve(team, NOV_26, 30_000));
    outliveLease(SHORT_LEASE_MS);

    // Fits only once the stale hold (still counted in held) is charged to its own day, Nov 26.
    Hold admitted = Await.await(ledger.reserve(team, NOV_27, 80_000));

    assertEquals(20_000, admitted.remainingMicroUsd());
    TeamUsage day26 = Await.await(ledger.usage(team, NOV_26));
    assertEquals(30_000, day26.spentDayMicroUsd());
    assertEquals(30_000, day26.spentMonthMicroUsd());
    assertEquals(80_000, day26.heldMicroUsd());
    assertEquals(1, day26.holdsExpired());
    assertEquals(0, Await.await(ledger.usage(team, NOV_27)).spentDayMicroUsd());
    assertEquals(0, Await.await(ledger.settle(stale, 30_000, 1)).chargedMicroUsd());
  }

  @Test
  void aNewDayIsAFreshWindow() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    TeamBudget team = daily(newTeam(), 100_000);
    Await.await(ledger.settle(Await.await(ledger.reserve(team, NOV_26, 100_000)), 100_000, 4));
    assertEquals(ErrorCode.BUDGET_EXCEEDED,
        ((GatewayException) Await.failure(ledger.reserve(team, NOV_26, 1))).error());

    Hold nextDay = Await.await(ledger.reserve(team, NOV_27, 100_000));

    assertEquals(0, nextDay.remainingMicroUsd());
    assertEquals(0, Await.await(ledger.usage(team, NOV_27)).imagesDay());
    assertEquals(4, Await.await(ledger.usage(team, NOV_27)).imagesMonth());
  }

  @Test
  void aLoweredLimitAppliesToTheNextReservation() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    String id = newTeam();
    Await.await(ledger.reserve(daily(id, 100_000), NOV_26, 50_000));

    Throwable refused = Await.failure(ledger.reserve(daily(id, 60_000), NOV_26, 20_000));

    assertEquals(ErrorCode.BUDGET_EXCEEDED, assertInstanceOf(GatewayException.class, refused).error());
  }

  @Test
  void spentByDayReadsEachDaysCountersInOrderWithZeroForQuietDays() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    TeamBudget team = daily(newTeam(), 1_000_000);
    Await.await(ledger.settle(Await.await(ledger.reserve(team, NOV_26, 80_000)), 50_000, 2));
    Await.await(ledger.settle(Await.await(ledger.reserve(team, NOV_27, 80_000)), 30_000, 1));
    Await.await(ledger.reserve(team, NOV_27, 10_000)); // held, not spent: not in the day's spend

    List<DaySpend> days = Await.await(ledger.spentByDay(team.team(), List.of("2026-11-25", "2026-11-26",
        "2026-11-27")));

    assertEquals(List.of(new DaySpend("2026-11-25", 0, 0), new DaySpend("2026-11-26", 50_000, 2),
        new DaySpend("2026-11-27", 30_000, 1)), days);
    assertEquals(List.of(new DaySpend("2026-11-26", 0, 0)),
        Await.await(ledger.spentByDay(newTeam(), List.of("2026-11-26"))));
    assertInstanceOf(IllegalArgumentException.class, Await.failure(ledger.spentByDay(team.team(),
        java.util.Collections.nCopies(BudgetLedger.MAX_DAYS_READ + 1, "2026-11-26"))));
  }

  @Test
  void aNegativeCostIsABugNotARefusal() {
    BudgetLedger ledger = ledger(LONG_LEASE_MS);
    assertInstanceOf(IllegalArgumentException.class,
        Await.failure(ledger.reserve(daily(newTeam(), 100), NOV_26, -1)));
  }
}
