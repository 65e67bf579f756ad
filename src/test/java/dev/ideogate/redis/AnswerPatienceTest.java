package dev.ideogate.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The command timeout measures Redis' silence, not the wait behind a burst (ARCHITECTURE.md §2). */
class AnswerPatienceTest {
  private static final long MS = 1_000_000;
  private static final long SENT = 5_000 * MS; // any nanoTime reading
  private final AnswerPatience patience = new AnswerPatience(950 * MS);

  @Test
  void theFirstLookComesOneTimeoutAfterTheCommandWasWritten() {
    assertEquals(950 * MS, patience.firstLookNanos());
  }

  @Test
  void aCommandBehindAQueueOnALiveConnectionKeepsWaitingUntilTheConnectionIsSilentForATimeout() {
    // Answers to the commands ahead of it came 900 ms after it was written: look again 950 ms after that one.
    assertEquals(900 * MS, patience.nextLookNanos(SENT, SENT + 900 * MS, SENT + 950 * MS, false));
    assertFalse(patience.silent(SENT, SENT + 900 * MS, SENT + 950 * MS));
  }

  @Test
  void aSilentConnectionGetsOneMoreTurnOfTheEventLoopThenFails() {
    long heardBeforeSending = SENT - 10 * MS;
    assertEquals(AnswerPatience.LOOK_AGAIN_NANOS, patience.nextLookNanos(SENT, heardBeforeSending, SENT + 950 * MS, false));
    assertEquals(AnswerPatience.GIVE_UP, patience.nextLookNanos(SENT, heardBeforeSending, SENT + 951 * MS, true));
    assertTrue(patience.silent(SENT, heardBeforeSending, SENT + 951 * MS));
  }

  @Test
  void anAnswerReadInThatTurnMeansTheLoopWasLateNotRedis() {
    // The loop was stalled for 1.5 s: its timer ran first, the next pass read answers Redis had sent long before.
    assertEquals(AnswerPatience.LOOK_AGAIN_NANOS, patience.nextLookNanos(SENT, SENT - MS, SENT + 1_500 * MS, false));
    assertEquals(949 * MS, patience.nextLookNanos(SENT, SENT + 1_500 * MS, SENT + 1_501 * MS, true));
  }

  @Test
  void noCommandWaitsLongerThanFiveTimeoutsHoweverBusyItsConnection() {
    assertEquals(50 * MS, patience.nextLookNanos(SENT, SENT + 4_700 * MS, SENT + 4_700 * MS, false),
        "the last look falls on the cap");
    assertEquals(AnswerPatience.GIVE_UP, patience.nextLookNanos(SENT, SENT + 4_749 * MS, SENT + 4_750 * MS, false));
    assertFalse(patience.silent(SENT, SENT + 4_749 * MS, SENT + 4_750 * MS), "it gave up on the cap, not on silence");
  }

  @Test
  void aTimeoutOfOneMillisecondOrLessIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AnswerPatience(MS));
  }
}
