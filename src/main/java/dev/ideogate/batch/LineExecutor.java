package dev.ideogate.batch;

import io.vertx.core.Future;
import java.util.function.LongFunction;

/**
 * Runs one line as a request of its team (the ingress implements it with the admission, budget, rate limit, lane
 * and accounting of a direct request, ARCHITECTURE.md §2, §13). Never fails: every end is an outcome.
 */
public interface LineExecutor {

  /**
   * Runs a claimed line.
   *
   * @param beforeReserve called with the worst-case amount before the line reserves its hold
   *     ({@link BatchStore.Claim#holdId}); the line waits for it, so the store knows a hold may exist before one does
   */
  Future<LineOutcome> run(BatchStore.Claim claim, LongFunction<Future<Void>> beforeReserve);

  /**
   * A line taken over from a vanished replica ({@link BatchStore.Claim#takenOver}): its hold, found or made under
   * the line's hold id, settled in full; the line ends UNKNOWN (its call may have been billed) or, when the budget
   * refuses a hold that never existed, is refused for budget like any line.
   */
  Future<LineOutcome> takeOver(BatchStore.Claim claim);
}
