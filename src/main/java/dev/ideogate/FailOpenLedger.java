package dev.ideogate;

import dev.ideogate.budget.AsyncHoldLedger;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.DaySpend;
import dev.ideogate.budget.Hold;
import dev.ideogate.budget.InMemoryBudgetLedger;
import dev.ideogate.budget.Settlement;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import io.vertx.core.Future;
import java.util.List;

/**
 * The Redis ledger under {@link FailOpen}: reservations and usage fall back to a local ledger while Redis does not
 * answer. Settle and release go to the ledger that issued the hold (local holds carry {@code local-}); a Redis hold
 * whose settle fails is left to expire and be charged in full, which over-counts rather than under-counts.
 */
final class FailOpenLedger implements BudgetLedger, AsyncHoldLedger {
  private final BudgetLedger shared;
  private final AsyncHoldLedger sharedAsync;
  private final InMemoryBudgetLedger local;
  private final FailOpen rule;

  <L extends BudgetLedger & AsyncHoldLedger> FailOpenLedger(L shared, InMemoryBudgetLedger local, FailOpen rule) {
    this.shared = shared;
    this.sharedAsync = shared;
    this.local = local;
    this.rule = rule;
  }

  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd) {
    return rule.call(() -> shared.reserve(team, window, costMicroUsd), () -> local.reserve(team, window, costMicroUsd));
  }

  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs) {
    return rule.call(() -> sharedAsync.reserve(team, window, costMicroUsd, leaseMs),
        () -> local.reserve(team, window, costMicroUsd, leaseMs));
  }

  @Override
  public Future<Settlement> settle(Hold hold, long chargeMicroUsd, int images) {
    return local.issued(hold) ? local.settle(hold, chargeMicroUsd, images) : shared.settle(hold, chargeMicroUsd, images);
  }

  @Override
  public Future<Settlement> settle(TeamBudget team, Hold hold, long chargeMicroUsd, int images) {
    return local.issued(hold) ? local.settle(team, hold, chargeMicroUsd, images)
        : sharedAsync.settle(team, hold, chargeMicroUsd, images);
  }

  @Override
  public Future<Void> release(Hold hold) {
    return local.issued(hold) ? local.release(hold) : shared.release(hold);
  }

  @Override
  public Future<TeamUsage> usage(TeamBudget team, BudgetWindow window) {
    return rule.call(() -> shared.usage(team, window), () -> local.usage(team, window));
  }

  /** Readiness reports Redis as it is: failing open keeps serving, it does not make Redis healthy. */
  /** Day counters for the dashboard; like usage, from the local ledger while Redis does not answer. */
  @Override
  public Future<List<DaySpend>> spentByDay(String team, List<String> days) {
    return rule.call(() -> shared.spentByDay(team, days), () -> local.spentByDay(team, days));
  }

  @Override
  public boolean storeDown() {
    return shared.storeDown();
  }

  @Override
  public Future<Void> ping() {
    return shared.ping();
  }

  @Override
  public Future<Void> close() {
    return shared.close();
  }
}
