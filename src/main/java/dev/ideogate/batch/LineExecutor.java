package dev.ideogate.batch;

import io.vertx.core.Future;
import java.util.function.LongFunction;

/**
 * Runs one line as a request of its team (the ingress implements it with the admission, budget, rate limit, lane
 * and accounting of a direct request, ARCHITECTURE.md §2, §11). Never fails: every end is an outcome.
 */
public interface LineExecutor {

  /**
   * @param beforeCall called with the hold's amount once the budget is reserved and before the upstream call; the
   *     call waits for it (the store must know a call may be billed before it is made)
   */
  Future<LineOutcome> run(String team, BatchLine line, LongFunction<Future<Void>> beforeCall);
}
