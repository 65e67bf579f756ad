package dev.ideogate.budget;

import java.util.concurrent.atomic.AtomicLong;

class InMemoryBudgetLedgerTest extends BudgetLedgerContract {
  private final AtomicLong clockMs = new AtomicLong(1_780_000_000_000L);

  @Override
  BudgetLedger ledger(long leaseMs) {
    return new InMemoryBudgetLedger(clockMs::get, leaseMs);
  }

  @Override
  void outliveLease(long leaseMs) {
    clockMs.addAndGet(leaseMs);
  }
}
