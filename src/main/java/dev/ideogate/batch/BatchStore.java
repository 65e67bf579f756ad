package dev.ideogate.batch;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Batches and their lines (ARCHITECTURE.md §11): in Redis, shared by every replica ({@link RedisBatchStore}), or in
 * memory for one replica ({@link InMemoryBatchStore}). Every read and write names the team: another team's batch
 * does not exist for it.
 *
 * <p>A line is claimed with a lease. Before its upstream call, the runner records the hold it reserved
 * ({@link #started}); a line whose lease expires (its replica died) goes back to the queue when it had no hold yet,
 * and ends as {@link LineState#UNKNOWN}, charged its hold, when it had one: that hold expires in the ledger and is
 * charged in full, since the call may have been billed.
 */
public interface BatchStore {

  /** A line given to one replica for a lease. */
  record Claim(String team, String batchId, BatchLine line) {}

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
   * The next queued line of any open, unpaused batch, leased until {@code nowMs + leaseMs}; first, lines whose
   * lease expired are taken back (see the class comment). Empty when no line is waiting.
   */
  Future<Optional<Claim>> claim(long nowMs, long leaseMs);

  /** The line's upstream call is about to be made under this hold. */
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
