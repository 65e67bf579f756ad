package dev.ideogate.batch;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Runs one line as a request of its team (the ingress implements it with the admission, budget, rate limit, lane
 * and accounting of a direct request, ARCHITECTURE.md §2, §13). Every end is an outcome; the future fails only
 * when a {@code record} failed (the line is left to its lease and a takeover).
 */
public interface LineExecutor {

  /**
   * Runs a claimed line.
   *
   * @param record called, and waited for, with {@link LineHold#reserving} before the line reserves its hold
   *     ({@link BatchStore.Claim#holdId}) and with {@link LineHold#charging} before it settles or releases it, so
   *     the store always knows what a takeover must charge; when it fails, the hold is not reserved or charged
   */
  Future<LineOutcome> run(BatchStore.Claim claim, Function<LineHold, Future<Void>> record);

  /**
   * A line taken over from a vanished replica ({@link BatchStore.Claim#hold}), charged exactly once and never sent
   * upstream again: a {@link LineHold#charging} record settles the line's hold id at that charge (nothing more when
   * it was settled already); a {@link LineHold#reserving} record finds or makes the hold, records it as charging in
   * full, and settles it in full. The line ends UNKNOWN, or, when the budget refuses a hold that never existed, is
   * refused for budget like any line.
   */
  Future<LineOutcome> takeOver(BatchStore.Claim claim, Function<LineHold, Future<Void>> record);
}
