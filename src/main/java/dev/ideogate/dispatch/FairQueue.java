package dev.ideogate.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A lane's waiting requests (ARCHITECTURE.md §8): one FIFO queue per team, served round-robin between the teams that
 * have work, skipping a team whose in-flight cap is reached. A team's flood therefore costs every other team
 * at most one turn per round: with n waiting teams, each is served at least once in any n consecutive polls
 * in which it may start.
 *
 * <p>Two classes (ARCHITECTURE.md §13): interactive requests, and batch lines below them. A poll serves a batch line
 * only when no waiting interactive request may start, so a batch never delays its team's (or any team's)
 * interactive requests by more than the calls already in flight. Each class is its own round-robin ring.
 *
 * <p>The ring holds exactly the teams with a non-empty queue; a team joins at the end of the ring when its
 * queue becomes non-empty. The cursor points at the team to try first on the next poll and moves past each
 * team served. Not thread-safe: one owner (the lane, on the dispatcher's event loop).
 */
public final class FairQueue<T> {
  private final Ring<T> interactive = new Ring<>();
  private final Ring<T> batch = new Ring<>();

  /** Appends {@code item} to {@code team}'s queue; false when that queue already holds {@code maxQueued}. */
  public boolean offer(String team, T item, int maxQueued) {
    Objects.requireNonNull(item, "item");
    if (depth(team) >= maxQueued) {
      return false;
    }
    interactive.addLast(team, item);
    return true;
  }

  /** Appends a batch line to {@code team}'s batch queue (bounded by the batch runner, not here). */
  public void offerBatch(String team, T item) {
    Objects.requireNonNull(item, "item");
    batch.addLast(team, item);
  }

  /** Puts {@code item} back at the head of {@code team}'s queue of its class (a retry after a 429); ignores the bound. */
  public void offerFirst(String team, T item, boolean isBatch) {
    Objects.requireNonNull(item, "item");
    (isBatch ? batch : interactive).addFirst(team, item);
  }

  /** Puts an interactive {@code item} back at the head of {@code team}'s queue. */
  public void offerFirst(String team, T item) {
    offerFirst(team, item, false);
  }

  /** Removes {@code item} (a client gone while queued); false when it was not queued for {@code team}. */
  public boolean remove(String team, T item) {
    return interactive.remove(team, item) || batch.remove(team, item);
  }

  /**
   * The head of the next team in round-robin order for which {@code teamMayStart} answers true (its in-flight
   * cap is not reached), interactive requests first; empty when no waiting team may start.
   */
  public Optional<Entry<T>> poll(Function<String, Boolean> teamMayStart) {
    Optional<Entry<T>> next = interactive.poll(teamMayStart);
    return next.isPresent() ? next : batch.poll(teamMayStart);
  }

  /** Interactive requests waiting for {@code team} (its {@code maxQueued} bound counts only these). */
  public int depth(String team) {
    return interactive.depth(team);
  }

  /** Batch lines waiting for {@code team}. */
  public int batchDepth(String team) {
    return batch.depth(team);
  }

  /** Items waiting in all, both classes. */
  public int size() {
    return interactive.size + batch.size;
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** Teams with waiting items, interactive ring order first. */
  public List<String> waitingTeams() {
    Set<String> teams = new LinkedHashSet<>(interactive.ring);
    teams.addAll(batch.ring);
    return List.copyOf(teams);
  }

  /** A polled item and the team it belongs to. */
  public record Entry<T>(String team, T item) {}

  /** One class: per-team FIFO queues served round-robin. */
  private static final class Ring<T> {
    private final Map<String, ArrayDeque<T>> queues = new HashMap<>();
    private final List<String> ring = new ArrayList<>();
    private int cursor;
    private int size;

    void addLast(String team, T item) {
      queueOf(team).addLast(item);
      size++;
    }

    void addFirst(String team, T item) {
      queueOf(team).addFirst(item);
      size++;
    }

    boolean remove(String team, T item) {
      ArrayDeque<T> queue = queues.get(team);
      if (queue == null || !queue.removeFirstOccurrence(item)) {
        return false;
      }
      size--;
      if (queue.isEmpty()) {
        drop(team);
      }
      return true;
    }

    Optional<Entry<T>> poll(Function<String, Boolean> teamMayStart) {
      int teams = ring.size();
      for (int i = 0; i < teams; i++) {
        int at = (cursor + i) % teams;
        String team = ring.get(at);
        if (Boolean.TRUE.equals(teamMayStart.apply(team))) {
          ArrayDeque<T> queue = queues.get(team);
          T item = queue.pollFirst();
          size--;
          cursor = at + 1;
          if (queue.isEmpty()) {
            drop(team);
          }
          if (cursor >= ring.size()) {
            cursor = 0;
          }
          return Optional.of(new Entry<>(team, item));
        }
      }
      return Optional.empty();
    }

    int depth(String team) {
      ArrayDeque<T> queue = queues.get(team);
      return queue == null ? 0 : queue.size();
    }

    private ArrayDeque<T> queueOf(String team) {
      Objects.requireNonNull(team, "team");
      return queues.computeIfAbsent(team, t -> {
        ring.add(t);
        return new ArrayDeque<>();
      });
    }

    private void drop(String team) {
      queues.remove(team);
      int at = ring.indexOf(team);
      ring.remove(at);
      if (at < cursor) {
        cursor--;
      }
      if (cursor >= ring.size()) {
        cursor = 0;
      }
    }
  }
}
