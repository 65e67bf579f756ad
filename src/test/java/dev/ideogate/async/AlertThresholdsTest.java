package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertThresholdsTest {
  private static final List<Integer> DEFAULT = List.of(80, 100);

  @Test
  void reachesEightyPercentAtExactlyEightyPercentOfTheLimit() {
    assertEquals(List.of(), AlertThresholds.reached(239_999, 300_000, DEFAULT));
    assertEquals(List.of(80), AlertThresholds.reached(240_000, 300_000, DEFAULT));
    assertEquals(List.of(80), AlertThresholds.reached(299_999, 300_000, DEFAULT));
    assertEquals(List.of(80, 100), AlertThresholds.reached(300_000, 300_000, DEFAULT));
  }

  @Test
  void aZeroLimitReachesNothing() {
    assertEquals(List.of(), AlertThresholds.reached(0, 0, DEFAULT));
  }
}
