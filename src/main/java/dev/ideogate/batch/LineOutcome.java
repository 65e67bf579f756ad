package dev.ideogate.batch;

import java.util.List;

/**
 * What running one line gave: its terminal state (or a budget refusal, which is not terminal: see
 * {@link BatchStore#budgetRefused}), the error code and message, the images Ideogram returned (URLs to fetch before
 * they expire), the cost charged and the queue wait on the lane.
 *
 * @param retryAtMs for a budget refusal, when the next budget window opens
 */
public record LineOutcome(LineState state, boolean budgetRefused, String code, String message, List<String> imageUrls,
    long costMicroUsd, long queueWaitMs, long retryAtMs) {

  public LineOutcome {
    imageUrls = List.copyOf(imageUrls);
  }

  public static LineOutcome succeeded(List<String> imageUrls, long costMicroUsd, long queueWaitMs) {
    return new LineOutcome(LineState.SUCCEEDED, false, null, null, imageUrls, costMicroUsd, queueWaitMs, 0);
  }

  public static LineOutcome ended(LineState state, String code, String message, long costMicroUsd) {
    return new LineOutcome(state, false, code, message, List.of(), costMicroUsd, 0, 0);
  }

  public static LineOutcome budget(String message, long retryAtMs) {
    return new LineOutcome(LineState.BUDGET_EXCEEDED, true, "budget_exceeded", message, List.of(), 0, 0, retryAtMs);
  }
}
