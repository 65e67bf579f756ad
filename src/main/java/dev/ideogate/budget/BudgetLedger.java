package dev.ideogate.budget;

import io.vertx.core.Future;
import java.util.List;

/**
 * The team budgets (ARCHITECTURE.md §7). Reserve the worst case before dispatch, then exactly one of settle (the images
 * actually returned; on a timeout the whole hold) or release (Ideogram did not accept the work). All amounts
 * are micro-USD.
 *
 * <p>Invariant, per team and window: spent + held ≤ limit at every reservation. Implementations: {@link
 * InMemoryBudgetLedger} (one replica) and {@link RedisBudgetLedger} (any number of replicas).
 */
public interface BudgetLedger {

  /**
   * Holds {@code costMicroUsd} for a request of {@code team} in the windows of {@code window}. Fails with a
   * {@code GatewayException} of {@code BUDGET_EXCEEDED} (message: window, remaining, needed) when any window
   * would pass its limit, or {@code BUDGET_STORE_UNAVAILABLE} when the store cannot confirm.
   */
  Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd);

  /**
   * Charges {@code chargeMicroUsd} (≤ the hold) and {@code images} to the hold's windows and drops the hold.
   * Idempotent by hold id: a repeated settle charges nothing more.
   */
  Future<Settlement> settle(Hold hold, long chargeMicroUsd, int images);

  /** Drops the hold without charging. Idempotent by hold id. */
  Future<Void> release(Hold hold);

  /** What the team has spent, holds and may still spend in the windows of {@code window}. */
  Future<TeamUsage> usage(TeamBudget team, BudgetWindow window);

  /** The most days one {@link #spentByDay} call reads: a year and a day. */
  int MAX_DAYS_READ = 366;

  /**
   * Settled spend and images of {@code team} on each of {@code days} (YYYY-MM-DD, at most {@link #MAX_DAYS_READ}),
   * in the order given; zero for a day without any. Read-only: the day counters of the usage report, for a chart.
   */
  Future<List<DaySpend>> spentByDay(String team, List<String> days);

  /** Succeeds when the store answers (readiness). */
  Future<Void> ping();

  /** True while the shared store has stopped answering (its last call failed); metrics and alerts read it. */
  default boolean storeDown() {
    return false;
  }

  /** Releases connections and timers. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
