package dev.ideogate.budget;

import io.vertx.core.Future;

/**
 * A {@link BudgetLedger} that takes the hold's id from the caller (batch lines, ARCHITECTURE.md §13): reserving an
 * id that is already held returns that hold and holds nothing more, so a replica taking over a line of a dead one
 * finds the hold the dead one made, if any, and settles it once.
 */
public interface NamedHoldLedger {

  /** {@link BudgetLedger#reserve} under the hold id {@code holdId}; an open hold of that id is returned as it is. */
  Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, String holdId);

  /**
   * Leaves {@code hold} to its lease: this replica stops renewing it, neither settling nor releasing it (a batch line
   * whose charge could not be recorded: the line's takeover or the reaper charges it, ARCHITECTURE.md §13).
   */
  void abandon(Hold hold);
}
