package dev.ideogate.async;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/** {@link AsyncStore} of one replica without Redis: maps under one lock, no I/O, safe on an event loop. */
public final class InMemoryAsyncStore implements AsyncStore {
  private record Entry(AsyncGeneration generation, long expiresAtMs) {}

  private record Due(long deadlineMs, String id) implements Comparable<Due> {
    @Override
    public int compareTo(Due other) {
      int byTime = Long.compare(deadlineMs, other.deadlineMs);
      return byTime != 0 ? byTime : id.compareTo(other.id);
    }
  }

  private final LongSupplier clockMs;
  private final long recordTtlMs;
  private final Map<String, Entry> generations = new HashMap<>();
  private final Map<String, String> status = new HashMap<>();
  private final Map<String, Long> deadlines = new HashMap<>();
  private final TreeSet<Due> byDeadline = new TreeSet<>();
  private final Map<String, Long> marks = new HashMap<>();

  public InMemoryAsyncStore(LongSupplier clockMs, long recordTtlMs) {
    this.clockMs = clockMs;
    this.recordTtlMs = recordTtlMs;
  }

  @Override
  public synchronized Future<Void> record(AsyncGeneration generation) {
    String id = generation.generationId();
    generations.put(id, new Entry(generation, clockMs.getAsLong() + recordTtlMs));
    status.putIfAbsent(id, "pending");
    index(id, generation.deadlineMs());
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<AsyncGeneration> find(String generationId) {
    Entry entry = generations.get(generationId);
    if (entry != null && entry.expiresAtMs() <= clockMs.getAsLong()) {
      generations.remove(generationId);
      status.remove(generationId);
      entry = null;
    }
    return Future.succeededFuture(entry == null ? null : entry.generation());
  }

  @Override
  public synchronized Future<Boolean> markSettled(String generationId, String newStatus, long chargedMicroUsd,
      int images) {
    if (!"pending".equals(status.get(generationId))) {
      return Future.succeededFuture(false);
    }
    status.put(generationId, newStatus);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> pending(String generationId) {
    return Future.succeededFuture("pending".equals(status.get(generationId)));
  }

  @Override
  public synchronized Future<List<String>> due(long nowMs, int max) {
    List<String> ids = new ArrayList<>();
    for (Due due : byDeadline) {
      if (due.deadlineMs() > nowMs || ids.size() >= max) {
        break;
      }
      ids.add(due.id());
    }
    return Future.succeededFuture(ids);
  }

  @Override
  public Future<Boolean> claim(String generationId, String owner, long ttlMs) {
    return once("claim:" + generationId, ttlMs);
  }

  @Override
  public synchronized Future<Void> postpone(String generationId, long deadlineMs) {
    if (deadlines.containsKey(generationId)) {
      index(generationId, deadlineMs);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> unindex(String generationId) {
    Long deadline = deadlines.remove(generationId);
    if (deadline != null) {
      byDeadline.remove(new Due(deadline, generationId));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> once(String name, long ttlMs) {
    long now = clockMs.getAsLong();
    Long expiresAt = marks.get(name);
    if (expiresAt != null && expiresAt > now) {
      return Future.succeededFuture(false);
    }
    marks.put(name, now + ttlMs);
    return Future.succeededFuture(true);
  }

  private void index(String id, long deadlineMs) {
    Long previous = deadlines.put(id, deadlineMs);
    if (previous != null) {
      byDeadline.remove(new Due(previous, id));
    }
    byDeadline.add(new Due(deadlineMs, id));
  }
}
