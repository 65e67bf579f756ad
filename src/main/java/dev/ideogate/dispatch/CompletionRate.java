package dev.ideogate.dispatch;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * A lane's recent completion rate, from the completions of the last {@code windowMs}. It turns a queue position
 * into an honest {@code Retry-After}: position ÷ completions per second, rounded up, within [1 s, 1 h]. With no
 * completion yet it falls back to the caller's estimate.
 */
public final class CompletionRate {
  private final long windowMs;
  private final LongSupplier clockMs;
  private final ArrayDeque<Long> completions = new ArrayDeque<>();

  public CompletionRate(long windowMs, LongSupplier clockMs) {
    this.windowMs = windowMs;
    this.clockMs = clockMs;
  }

  public void record() {
    completions.addLast(clockMs.getAsLong());
    trim();
  }

  /** Completions per second over the window (0 when none). */
  public double perSecond() {
    trim();
    if (completions.isEmpty()) {
      return 0;
    }
    long span = Math.max(1_000, clockMs.getAsLong() - completions.peekFirst());
    return completions.size() * 1_000.0 / Math.min(span, windowMs);
  }

  /** Seconds until {@code position} more jobs have completed, or {@code fallbackS} when the rate is unknown. */
  public long secondsFor(int position, long fallbackS) {
    double rate = perSecond();
    long seconds = rate <= 0 ? fallbackS : (long) Math.ceil(position / rate);
    return Math.max(1, Math.min(3_600, seconds));
  }

  private void trim() {
    long oldest = clockMs.getAsLong() - windowMs;
    while (!completions.isEmpty() && completions.peekFirst() < oldest) {
      completions.removeFirst();
    }
    while (completions.size() > 10_000) {
      completions.removeFirst();
    }
  }
}
