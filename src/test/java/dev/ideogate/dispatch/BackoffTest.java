package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesTheCeilingPerAttemptUpToTheMaximum() {
    assertEquals(500, Backoff.ceilingMs(1, 500, 20_000));
    assertEquals(1_000, Backoff.ceilingMs(2, 500, 20_000));
    assertEquals(2_000, Backoff.ceilingMs(3, 500, 20_000));
    assertEquals(16_000, Backoff.ceilingMs(6, 500, 20_000));
    assertEquals(20_000, Backoff.ceilingMs(7, 500, 20_000));
  }

  @Test
  void scalesTheCeilingByTheRandomFactor() {
    assertEquals(0, Backoff.delayMs(3, 500, 20_000, () -> 0.0));
    assertEquals(1_000, Backoff.delayMs(3, 500, 20_000, () -> 0.5));
    assertEquals(1_999, Backoff.delayMs(3, 500, 20_000, () -> 0.9999));
    assertEquals(15_000, Backoff.delayMs(10, 500, 20_000, () -> 0.75));
  }

  @Test
  void neverOverflowsOnHugeAttemptsOrDelays() {
    assertEquals(20_000, Backoff.ceilingMs(64, 500, 20_000));
    assertEquals(20_000, Backoff.ceilingMs(Integer.MAX_VALUE, 500, 20_000));
    assertEquals(Long.MAX_VALUE, Backoff.ceilingMs(2, Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE - 1, Backoff.ceilingMs(2, Long.MAX_VALUE / 2, Long.MAX_VALUE));
    assertEquals(1L << 62, Backoff.ceilingMs(63, 1, Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, Backoff.ceilingMs(64, 1, Long.MAX_VALUE));
  }

  @Test
  void handlesZeroDelays() {
    assertEquals(0, Backoff.ceilingMs(5, 0, 20_000));
    assertEquals(0, Backoff.ceilingMs(5, 500, 0));
  }

  @Test
  void rejectsAnAttemptBelowOneOrARandomOutsideTheUnitInterval() {
    assertThrows(IllegalArgumentException.class, () -> Backoff.delayMs(0, 500, 20_000, () -> 0.5));
    assertThrows(IllegalArgumentException.class, () -> Backoff.delayMs(1, 500, 20_000, () -> 1.5));
    assertThrows(IllegalArgumentException.class, () -> Backoff.delayMs(1, 500, 20_000, () -> Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Backoff.delayMs(1, -1, 20_000, () -> 0.5));
  }
}
