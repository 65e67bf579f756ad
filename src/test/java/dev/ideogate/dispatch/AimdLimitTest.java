package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.api.Test;

class AimdLimitTest {

  @Test
  void startsAtTheConfiguredLimit() {
    assertEquals(10, new AimdLimit(10).limit());
  }

  @Test
  void decreasesMultiplicativelyOnThrottle() {
    AimdLimit aimd = new AimdLimit(30, 0.9, 20);
    aimd.onThrottled();
    assertEquals(27, aimd.limit());
    aimd = new AimdLimit(10);
    aimd.onThrottled();
    assertEquals(7, aimd.limit());
    aimd.onThrottled();
    assertEquals(5, aimd.limit());
  }

  @Test
  void alwaysDecreasesByAtLeastOneAndNeverBelowOne() {
    AimdLimit aimd = new AimdLimit(3, 0.9, 20);
    aimd.onThrottled();
    assertEquals(2, aimd.limit()); // ⌊3 × 0.9⌋ = 2
    aimd.onThrottled();
    assertEquals(1, aimd.limit()); // ⌊2 × 0.9⌋ = 1
    aimd.onThrottled();
    assertEquals(1, aimd.limit());
    AimdLimit slow = new AimdLimit(10, 0.99, 20);
    slow.onThrottled();
    assertEquals(9, slow.limit()); // ⌊9.9⌋ = 9
  }

  @Test
  void increasesByOneAfterARunOfSuccesses() {
    AimdLimit aimd = new AimdLimit(10, 0.75, 3);
    aimd.onThrottled();
    assertEquals(7, aimd.limit());
    aimd.onSuccess();
    aimd.onSuccess();
    assertEquals(7, aimd.limit());
    aimd.onSuccess();
    assertEquals(8, aimd.limit());
    for (int i = 0; i < 3 * 5; i++) {
      aimd.onSuccess();
    }
    assertEquals(10, aimd.limit());
  }

  @Test
  void aThrottleRestartsTheRunOfSuccesses() {
    AimdLimit aimd = new AimdLimit(10, 0.75, 3);
    aimd.onThrottled(); // 7
    aimd.onSuccess();
    aimd.onSuccess();
    aimd.onThrottled(); // 5
    aimd.onSuccess();
    aimd.onSuccess();
    assertEquals(5, aimd.limit());
    aimd.onSuccess();
    assertEquals(6, aimd.limit());
  }

  @Test
  void successesAtTheMaximumDoNotBankAnIncrease() {
    AimdLimit aimd = new AimdLimit(10, 0.75, 3);
    for (int i = 0; i < 100; i++) {
      aimd.onSuccess();
    }
    aimd.onThrottled();
    aimd.onSuccess();
    aimd.onSuccess();
    assertEquals(7, aimd.limit());
  }

  @Test
  void ignoresThrottlesOfRequestsSentBeforeTheLastDecrease() {
    AimdLimit aimd = new AimdLimit(10);
    long burst = aimd.epoch();
    assertTrue(aimd.onThrottled(burst));
    assertFalse(aimd.onThrottled(burst));
    assertFalse(aimd.onThrottled(burst));
    assertFalse(aimd.onThrottled(burst));
    assertEquals(7, aimd.limit());
    assertTrue(aimd.onThrottled(aimd.epoch()));
    assertEquals(5, aimd.limit());
  }

  @Test
  void convergesUnderATrueLimitOfSixWithinTwoDecreasesAndFiveThrottles() {
    // Rounds of dispatch: every round sends `limit` requests; Ideogram accepts 6 and answers 429 to the rest.
    AimdLimit aimd = new AimdLimit(10);
    int throttles = 0;
    int round = 0;
    while (aimd.limit() > 6) {
      round++;
      long epoch = aimd.epoch();
      int sent = aimd.limit();
      for (int i = 0; i < sent; i++) {
        if (i < 6) {
          aimd.onSuccess();
        } else {
          throttles++;
          aimd.onThrottled(epoch);
        }
      }
    }
    assertEquals(2, round);
    assertEquals(5, throttles); // 4 in the first burst (one counted), 1 in the second
    assertEquals(5, aimd.limit());
  }

  @Test
  void holdsNearTheTrueLimitWithFewRetriesInTheLongRun() {
    AimdLimit aimd = new AimdLimit(10);
    long sent = 0;
    long throttled = 0;
    long limitSum = 0;
    int rounds = 10_000;
    for (int round = 0; round < rounds; round++) {
      long epoch = aimd.epoch();
      int n = aimd.limit();
      limitSum += n;
      for (int i = 0; i < n; i++) {
        sent++;
        if (i < 6) {
          aimd.onSuccess();
        } else {
          throttled++;
          aimd.onThrottled(epoch);
        }
      }
    }
    double meanLimit = (double) limitSum / rounds;
    double throttledShare = (double) throttled / sent;
    assertTrue(meanLimit > 5.5 && meanLimit <= 6.0, "mean limit " + meanLimit);
    assertTrue(throttledShare < 0.03, "throttled share " + throttledShare);
  }

  @Test
  void followsAChangedMaximum() {
    AimdLimit aimd = new AimdLimit(10);
    aimd.setMaxLimit(20);
    assertEquals(20, aimd.limit());
    aimd.onThrottled(); // 15
    aimd.setMaxLimit(30);
    assertEquals(15, aimd.limit());
    aimd.setMaxLimit(8);
    assertEquals(8, aimd.limit());
    assertEquals(8, aimd.maxLimit());
  }

  @Test
  void rejectsInvalidSettings() {
    assertThrows(IllegalArgumentException.class, () -> new AimdLimit(0));
    assertThrows(IllegalArgumentException.class, () -> new AimdLimit(10, 1.0, 20));
    assertThrows(IllegalArgumentException.class, () -> new AimdLimit(10, 0.0, 20));
    assertThrows(IllegalArgumentException.class, () -> new AimdLimit(10, 0.75, 0));
    assertThrows(IllegalArgumentException.class, () -> new AimdLimit(10).setMaxLimit(0));
  }

  @Test
  void aRefusedLevelIsNotProbedAgainUntilTheProbeIntervalEnds() {
    long[] now = {0};
    AimdLimit limit = new AimdLimit(10, 0.75, 2, 60_000, () -> now[0]);
    limit.onThrottled(); // refused at 10: 10 → 7, ceiling 9
    limit.onThrottled(); // refused at 7: 7 → 5, ceiling 6
    assertEquals(5, limit.limit());
    for (int i = 0; i < 100; i++) {
      limit.onSuccess();
    }
    assertEquals(6, limit.limit(), "climbs back to just below the refused level and stays");
    now[0] = 60_001;
    for (int i = 0; i < 100; i++) {
      limit.onSuccess();
    }
    assertEquals(10, limit.limit(), "after the probe interval it probes up to the configured limit again");
  }
}
