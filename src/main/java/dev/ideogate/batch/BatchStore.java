package dev.ideogate.batch;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Batches and their lines (ARCHITECTURE.md §13): in Redis, shared by every replica ({@link RedisBatchStore}), or in
 * memory for one replica ({@link InMemoryBatchStore}). Every read and write names the team: another team's batch
 * does not exist for it.
 *
 * <p>A line is claimed with a lease. Before it reserves its budget hold, the runner records the hold's amount
 * ({@link #started}); a line whose lease expires (its replica died) goes back to the queue when nothing was
 * recorded, and is taken over when something was: the claimer settles the hold under the line's own hold id in
 * full and the line ends {@link LineState#UNKNOWN}, since its call may have been billed. Exactly one charge either
 * way: the dead replica's hold if it made one, else the one the takeover makes.
 */
public interface BatchStore {

  /**
   * A line given to one replica for a lease. {@code heldMicroUsd} > 0: the line was taken over from a replica that
   * recorded this worst-case hold before it vanished; the claimer settles that hold (same id, see
   * {@link #holdId}) in full and ends the line UNKNOWN, since its call may have been billed.
   */
  record Claim(String team, String batchId, BatchLine line, long heldMicroUsd) {
    public Claim(String team, String batchId, BatchLine line) {
      this(team, batchId, line, 0);
    }

    public boolean takenOver() {
      return heldMicroUsd > 0;
    }

    /** Taken over after its replica had settled it (charged {@code -heldMicroUsd}) but not recorded its outcome. */
    public boolean chargedBeforeTakeover() {
      return heldMicroUsd < 0;
    }

    /** The id of the line's budget hold: the same on every replica, so a takeover finds the hold. */
    public String holdId() {
      return "batch-" + batchId + "-" + line.number();
    }
  }

  /** Stores a new batch with every line queued; false (nothing stored) when the team has {@code maxOpen} open. */
  Future<Boolean> create(Batch batch, List<BatchLine> lines, int maxOpen);

  Future<Optional<Batch>> get(String team, String id);

  /** The team's batches, newest first. */
  Future<List<Batch>> list(String team);

  /** The terminal lines so far, in line order. */
  Future<List<LineResult>> results(String team, String id);

  /** Queued lines end as CANCELLED and the batch as CANCELLED; false when it was not open. */
  Future<Boolean> cancel(String team, String id, long nowMs);

  /**
   * The next line to work, leased until {@code nowMs + leaseMs}: first a line whose lease expired with a hold
   * recorded (a takeover, see {@link Claim}); lines whose lease expired without a hold go back to the queue; then
   * the next queued line of any open, unpaused batch. Empty when no line is waiting.
   */
  Future<Optional<Claim>> claim(long nowMs, long leaseMs);

  /**
   * The line is about to reserve its hold ({@link Claim#holdId}) of this worst-case amount, then call upstream; or,
   * with {@code -charged} (≤ 0), its hold is settled and only its images and outcome remain to be recorded.
   */
  Future<Void> started(Claim claim, long holdMicroUsd);

  /** Records the line's outcome; the batch, when this was its last open line. */
  Future<Optional<Batch>> finish(Claim claim, LineResult result, long nowMs);

  /**
   * The line was refused for budget. PAUSE: it goes back to the queue head and the batch pauses until
   * {@code untilMs}; FAIL: it and every queued line end as BUDGET_EXCEEDED. The batch, when it is now finished.
   */
  Future<Optional<Batch>> budgetRefused(Claim claim, long nowMs, long untilMs);

  Future<Void> close();
}
