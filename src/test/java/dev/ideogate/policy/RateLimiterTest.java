package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final RateLimiter.Rate SIXTY_BURST_TEN = new RateLimiter.Rate(60, 10);
  private static final long NOW = 1_700_000_000_000_000L;

  @Test
  void admitsExactlyTheBurstAtOnceThenRefusesForOneInterval() {
    long tat = 0;
    for (int i = 0; i < 10; i++) {
      RateLimiter.Decision d = RateLimiter.decide(List.of(tat), List.of(SIXTY_BURST_TEN), NOW);
      assertTrue(d.admitted(), "request " + (i + 1));
      assertEquals(9 - i, d.remaining());
      assertEquals(10, d.limit());
      tat = d.newTatsUs().get(0);
    }
    RateLimiter.Decision refused = RateLimiter.decide(List.of(tat), List.of(SIXTY_BURST_TEN), NOW);
    assertFalse(refused.admitted());
    assertEquals(0, refused.remaining());
    assertEquals(1_000_000, refused.retryAfterUs());
    assertEquals(10_000_000, refused.resetUs());
    assertEquals(tat, refused.newTatsUs().get(0), "a refusal changes nothing");
  }

  @Test
  void admitsOneMoreAfterEachIntervalAtTheSustainedRate() {
    long tat = NOW + 10_000_000; // bucket empty
    RateLimiter.Decision early = RateLimiter.decide(List.of(tat), List.of(SIXTY_BURST_TEN), NOW + 999_999);
    RateLimiter.Decision onTime = RateLimiter.decide(List.of(tat), List.of(SIXTY_BURST_TEN), NOW + 1_000_000);
    assertFalse(early.admitted());
    assertEquals(1, early.retryAfterUs());
    assertTrue(onTime.admitted());
    assertEquals(0, onTime.remaining());
  }

  @Test
  void refusalByOneBucketConsumesNothingFromTheOther() {
    RateLimiter.Rate key = new RateLimiter.Rate(600, 100);
    RateLimiter.Rate team = new RateLimiter.Rate(60, 1);
    long keyTat = NOW + 5_000_000;
    long teamTat = NOW + 1_000_000; // team bucket full
    RateLimiter.Decision d = RateLimiter.decide(List.of(keyTat, teamTat), List.of(key, team), NOW);
    assertFalse(d.admitted());
    assertEquals(List.of(keyTat, teamTat), d.newTatsUs());
    assertEquals(1, d.limit(), "the binding bucket is the team's");
    assertEquals(1_000_000, d.retryAfterUs());
  }

  @Test
  void aLongIdleBucketHoldsNoMoreThanItsBurst() {
    long tat = NOW - 3_600_000_000L;
    RateLimiter.Decision d = RateLimiter.decide(List.of(tat), List.of(SIXTY_BURST_TEN), NOW);
    assertEquals(9, d.remaining());
    assertEquals(NOW + 1_000_000, d.newTatsUs().get(0));
  }

  @Test
  void inMemoryStoreAdmitsTheBurstThenRefusesUntilTheClockMoves() {
    AtomicLong now = new AtomicLong(NOW);
    InMemoryRateLimitStore store = new InMemoryRateLimitStore(now::get);
    List<RateLimitStore.Bucket> buckets = List.of(new RateLimitStore.Bucket("alpha", "t:alpha", SIXTY_BURST_TEN));
    int admitted = 0;
    for (int i = 0; i < 25; i++) {
      if (store.acquire(buckets).result().admitted()) {
        admitted++;
      }
    }
    assertEquals(10, admitted);
    now.addAndGet(2_000_000);
    assertTrue(store.acquire(buckets).result().admitted());
    assertTrue(store.acquire(buckets).result().admitted());
    assertFalse(store.acquire(buckets).result().admitted());
  }
}
