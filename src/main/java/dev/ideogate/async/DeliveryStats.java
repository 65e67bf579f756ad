package dev.ideogate.async;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What one replica's delivery worker did; read by metrics, the admin view and tests. */
public final class DeliveryStats {
  public final AtomicLong delivered = new AtomicLong();
  public final AtomicLong attempts = new AtomicLong();
  public final AtomicLong failedAttempts = new AtomicLong();
  public final AtomicLong deadLettered = new AtomicLong();
  public final AtomicLong duplicatesSkipped = new AtomicLong();
  /** Entries taken over from a replica that died before acknowledging them. */
  public final AtomicLong reclaimed = new AtomicLong();
  private final List<Long> latenciesMs = new ArrayList<>();

  synchronized void recordLatency(long ms) {
    if (latenciesMs.size() < 100_000) {
      latenciesMs.add(ms);
    }
  }

  /** Enqueue-to-2xx times of the deliveries this replica made. */
  public synchronized List<Long> latenciesMs() {
    return List.copyOf(latenciesMs);
  }
}
