package dev.ideogate.budget;

import io.vertx.core.Future;

/**
 * What async generations need from a {@link BudgetLedger} beyond the contract: a hold whose lease outlives the
 * generation (minutes to an hour, not the upstream timeout), and a settle that works on any replica, including
 * one that never reserved for the team (the callback or the reconciler may run anywhere). Same invariants as
 * {@link BudgetLedger}: settle and release are idempotent by hold id, an expired hold is charged in full.
 */
public interface AsyncHoldLedger {

  /** {@link BudgetLedger#reserve} with this hold's own lease. */
  Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs);

  /** {@link BudgetLedger#settle}, told the team's limits (for the remaining figure) by the caller. */
  Future<Settlement> settle(TeamBudget team, Hold hold, long chargeMicroUsd, int images);
}
