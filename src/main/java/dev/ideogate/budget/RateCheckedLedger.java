package dev.ideogate.budget;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * A ledger that checks the team's request-rate buckets and reserves in one script on the team's slot
 * ({@link RedisBudgetLedger}, ARCHITECTURE.md §2 step 10): one round trip where a separate rate-limit script made
 * two. Rate first, then budget: a rate refusal holds and writes nothing; a budget refusal has spent the token.
 */
public interface RateCheckedLedger {

  /**
   * {@link BudgetLedger#reserve} with {@code rate} checked first. {@code onRate} gets every outcome the store
   * answered (admitted, refused by rate, or admitted by rate and refused by budget). A rate refusal fails with
   * {@link RateCheck.Refused}; the budget's failures are those of {@link BudgetLedger#reserve}.
   */
  Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, RateCheck rate,
      Consumer<RateCheck.Outcome> onRate);

  /**
   * The same for an async generation: a hold of {@code leaseMs}, not renewed, as {@link AsyncHoldLedger#reserve}
   * (ARCHITECTURE.md §7 "Async generations").
   */
  Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs, RateCheck rate,
      Consumer<RateCheck.Outcome> onRate);

  /**
   * The last tat (µs) of {@code bucket} of {@code team} this replica saw in an answer, or 0. A tat only grows, so a
   * request refused against it would be refused by the store too.
   */
  long knownTatUs(String team, String bucket);

  /** The store's clock in µs as this replica sees it, or -1 while it is not known yet. */
  long nowUs();
}
