package dev.ideogate.batch;

import java.util.concurrent.atomic.AtomicLong;

class InMemoryBatchStoreTest extends BatchStoreContract {
  private final AtomicLong clockMs = new AtomicLong(1_780_000_000_000L);
  private final InMemoryBatchStore store = new InMemoryBatchStore();

  @Override
  BatchStore store() {
    return store;
  }

  @Override
  long now() {
    return clockMs.get();
  }

  @Override
  void outlive(long leaseMs) {
    clockMs.addAndGet(leaseMs);
  }
}
