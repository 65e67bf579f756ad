package dev.ideogate.async;

import java.util.ArrayList;
import java.util.List;

/** Which budget alert thresholds a window has reached: spent × 100 ≥ limit × threshold, in exact integers. */
public final class AlertThresholds {
  private AlertThresholds() {}

  /** The thresholds (percent) reached by {@code spentMicroUsd} of {@code limitMicroUsd}; none for a zero limit. */
  public static List<Integer> reached(long spentMicroUsd, long limitMicroUsd, List<Integer> thresholdsPercent) {
    List<Integer> reached = new ArrayList<>();
    if (limitMicroUsd <= 0) {
      return reached;
    }
    for (int threshold : thresholdsPercent) {
      if (Math.multiplyExact(spentMicroUsd, 100L) >= Math.multiplyExact(limitMicroUsd, (long) threshold)) {
        reached.add(threshold);
      }
    }
    return reached;
  }
}
