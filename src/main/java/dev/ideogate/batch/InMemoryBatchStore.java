package dev.ideogate.batch;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The batches of the embedded single-replica mode (ARCHITECTURE.md §13): the same rules as {@link RedisBatchStore},
 * under one lock. Finished batches are dropped once their retention ended.
 */
public final class InMemoryBatchStore implements BatchStore {
  private final Map<String, Entry> batches = new LinkedHashMap<>();
  /** {@code <team>/<id>} of batches dropped past their retention, by when their images go. */
  private final Map<String, Long> expired = new LinkedHashMap<>();

  private static final class Entry {
    Batch batch;
    final ArrayDeque<BatchLine> queued = new ArrayDeque<>();
    final Map<Integer, Long> leases = new HashMap<>();
    final Map<Integer, BatchLine> running = new HashMap<>();
    final Map<Integer, LineHold> holds = new HashMap<>();
    final Map<Integer, String> owners = new HashMap<>();
    final TreeMap<Integer, LineResult> results = new TreeMap<>();

    Entry(Batch batch) {
      this.batch = batch;
    }
  }

  private static String key(String team, String id) {
    return team + "/" + id;
  }

  @Override
  public synchronized Future<Boolean> create(Batch batch, List<BatchLine> lines, int maxOpen) {
    long open = batches.values().stream()
        .filter(e -> e.batch.team().equals(batch.team()) && e.batch.state().open()).count();
    if (open >= maxOpen) {
      return Future.succeededFuture(false);
    }
    Entry entry = new Entry(batch);
    entry.queued.addAll(lines);
    batches.put(key(batch.team(), batch.id()), entry);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Optional<Batch>> get(String team, String id) {
    Entry e = batches.get(key(team, id));
    return Future.succeededFuture(Optional.ofNullable(e == null ? null : e.batch));
  }

  @Override
  public synchronized Future<List<Batch>> list(String team) {
    List<Batch> newestFirst = new ArrayList<>(batches.values().stream().map(e -> e.batch)
        .filter(b -> b.team().equals(team)).toList());
    Collections.reverse(newestFirst); // insertion order is creation order
    return Future.succeededFuture(newestFirst);
  }

  @Override
  public synchronized Future<List<LineResult>> results(String team, String id) {
    Entry e = batches.get(key(team, id));
    return Future.succeededFuture(e == null ? List.of() : List.copyOf(e.results.values()));
  }

  @Override
  public synchronized Future<Boolean> cancel(String team, String id, long nowMs) {
    Entry e = batches.get(key(team, id));
    if (e == null || !e.batch.state().open()) {
      return Future.succeededFuture(false);
    }
    endQueued(e, LineState.CANCELLED, "cancelled", "the batch was cancelled");
    update(e, BatchState.CANCELLED, 0, nowMs);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Optional<Claim>> claim(long nowMs, long leaseMs) {
    dropExpired(nowMs);
    String token = java.util.UUID.randomUUID().toString();
    for (Entry e : batches.values()) {
      Optional<Claim> takeover = takeBackExpired(e, nowMs, leaseMs, token);
      if (takeover.isPresent()) {
        return Future.succeededFuture(takeover);
      }
    }
    for (Entry e : batches.values()) {
      if (e.batch.state() == BatchState.PAUSED && e.batch.pausedUntilMs() <= nowMs) {
        update(e, BatchState.RUNNING, 0, 0);
      }
      if (e.batch.state() != BatchState.RUNNING || e.queued.isEmpty()) {
        continue;
      }
      BatchLine line = e.queued.pollFirst();
      e.running.put(line.number(), line);
      e.leases.put(line.number(), nowMs + leaseMs);
      e.owners.put(line.number(), token);
      update(e, e.batch.state(), e.batch.pausedUntilMs(), 0);
      return Future.succeededFuture(Optional.of(new Claim(e.batch.team(), e.batch.id(), line, null, token)));
    }
    return Future.succeededFuture(Optional.empty());
  }

  /** Requeues expired lines without a hold; the first expired line with one is leased again as a takeover. */
  private Optional<Claim> takeBackExpired(Entry e, long nowMs, long leaseMs, String token) {
    List<Integer> expired = e.leases.entrySet().stream().filter(l -> l.getValue() <= nowMs).map(Map.Entry::getKey)
        .sorted().toList();
    Optional<Claim> takeover = Optional.empty();
    for (int number : expired) {
      LineHold hold = e.holds.get(number);
      if (hold != null) {
        if (takeover.isEmpty()) {
          e.leases.put(number, nowMs + leaseMs);
          e.owners.put(number, token);
          takeover = Optional.of(new Claim(e.batch.team(), e.batch.id(), e.running.get(number), hold, token));
        }
        continue;
      }
      BatchLine line = e.running.remove(number);
      e.leases.remove(number);
      e.owners.remove(number);
      if (e.batch.state().open()) {
        e.queued.addFirst(line);
      } else {
        e.results.put(number, LineResult.failed(line, LineState.CANCELLED, "cancelled", "the batch was cancelled", 0));
      }
      update(e, e.batch.state(), e.batch.pausedUntilMs(), nowMs);
    }
    return takeover;
  }

  /** The claim's line when it is still the latest claim of its line (else null). */
  private Entry owned(Claim claim) {
    Entry e = batches.get(key(claim.team(), claim.batchId()));
    return e != null && claim.token().equals(e.owners.get(claim.line().number())) ? e : null;
  }

  @Override
  public synchronized Future<Void> record(Claim claim, LineHold hold) {
    Entry e = owned(claim);
    if (e == null) {
      return Future.failedFuture(new TakenBack(claim));
    }
    e.holds.put(claim.line().number(), hold);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<Integer>> renew(List<Claim> claims, long nowMs, long leaseMs) {
    List<Integer> renewed = new ArrayList<>();
    for (Claim claim : claims) {
      Entry e = owned(claim);
      if (e != null) {
        e.leases.put(claim.line().number(), nowMs + leaseMs);
        renewed.add(claim.line().number());
      }
    }
    return Future.succeededFuture(renewed);
  }

  /** The claim's batch, its line taken out of running; null when the line was not the claim's any more. */
  private Entry leaveRunning(Claim claim) {
    Entry e = owned(claim);
    if (e != null) {
      int number = claim.line().number();
      e.running.remove(number);
      e.leases.remove(number);
      e.holds.remove(number);
      e.owners.remove(number);
    }
    return e;
  }

  @Override
  public synchronized Future<Optional<Batch>> finish(Claim claim, LineResult result, long nowMs) {
    Entry e = leaveRunning(claim);
    if (e == null) {
      return Future.succeededFuture(Optional.empty()); // taken back already: its outcome is recorded
    }
    e.results.put(result.number(), result);
    return Future.succeededFuture(finishedNow(e, nowMs));
  }

  @Override
  public synchronized Future<Optional<Batch>> budgetRefused(Claim claim, long nowMs, long untilMs) {
    Entry e = leaveRunning(claim);
    if (e == null) {
      return Future.succeededFuture(Optional.empty());
    }
    if (!e.batch.state().open()) {
      e.results.put(claim.line().number(),
          LineResult.failed(claim.line(), LineState.CANCELLED, "cancelled", "the batch was cancelled", 0));
    } else if (e.batch.onBudget() == OnBudget.PAUSE) {
      e.queued.addFirst(claim.line());
      update(e, BatchState.PAUSED, untilMs, 0);
    } else {
      e.queued.addFirst(claim.line());
      endQueued(e, LineState.BUDGET_EXCEEDED, "budget_exceeded", "the team's budget ran out during the batch");
    }
    return Future.succeededFuture(finishedNow(e, nowMs));
  }

  /** Drops finished batches past their retention; their images are then taken by {@link #takeExpired}. */
  private void dropExpired(long nowMs) {
    batches.values().removeIf(e -> {
      boolean gone = !e.batch.state().open() && e.batch.open() == 0 && e.batch.finishedAtMs() > 0
          && e.batch.finishedAtMs() + e.batch.retentionMs() <= nowMs;
      if (gone) {
        expired.put(key(e.batch.team(), e.batch.id()), e.batch.finishedAtMs() + e.batch.retentionMs());
      }
      return gone;
    });
  }

  @Override
  public synchronized Future<List<String>> takeExpired(long nowMs, int max) {
    dropExpired(nowMs);
    List<String> taken = new ArrayList<>();
    var it = expired.entrySet().iterator();
    while (it.hasNext() && taken.size() < max) {
      var next = it.next();
      if (next.getValue() <= nowMs) {
        taken.add(next.getKey());
        it.remove();
      }
    }
    return Future.succeededFuture(taken);
  }

  /** Taken is gone already: the one replica's sweeper is the only caller (it dies with the store). */
  @Override
  public Future<Void> swept(String member) {
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> expireLater(String member, long atMs) {
    expired.put(member, atMs);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Optional<Batch> finishedNow(Entry e, long nowMs) {
    boolean wasOpen = e.batch.finishedAtMs() == 0;
    update(e, e.batch.state(), e.batch.pausedUntilMs(), nowMs);
    return wasOpen && e.batch.finishedAtMs() > 0 ? Optional.of(e.batch) : Optional.empty();
  }

  private static void endQueued(Entry e, LineState state, String code, String message) {
    for (BatchLine line : e.queued) {
      e.results.put(line.number(), LineResult.failed(line, state, code, message, 0));
    }
    e.queued.clear();
  }

  /** Recounts the lines; a batch with no open line left is finished at {@code nowMs}. */
  private static void update(Entry e, BatchState state, long pausedUntilMs, long nowMs) {
    Map<LineState, Integer> counts = new EnumMap<>(LineState.class);
    counts.put(LineState.QUEUED, e.queued.size());
    counts.put(LineState.RUNNING, e.running.size());
    long cost = 0;
    for (LineResult r : e.results.values()) {
      counts.merge(r.state(), 1, Integer::sum);
      cost += r.costMicroUsd();
    }
    Batch b = e.batch;
    boolean done = e.queued.isEmpty() && e.running.isEmpty();
    BatchState next = done && state.open() ? BatchState.COMPLETED : state;
    long finished = b.finishedAtMs() > 0 ? b.finishedAtMs() : done && nowMs > 0 ? nowMs : 0;
    e.batch = new Batch(b.id(), b.team(), next, b.onBudget(), b.webhookUrl(), b.createdAtMs(), b.retentionMs(),
        pausedUntilMs, b.lineCount(), counts, cost, finished);
  }
}
