package dev.ideogate.batch;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Batches and their lines (ARCHITECTURE.md §13): in Redis, shared by every replica ({@link RedisBatchStore}), or in
 * memory for one replica ({@link InMemoryBatchStore}). Every read and write names the team: another team's batch
 * does not exist for it.
 *
 * <p>A line is claimed with a lease, renewed while it runs ({@link #renew}). Before it reserves its budget hold the
 * runner records the hold's worst case, and before it settles or releases the hold the charge it is about to make
 * ({@link #record}, {@link LineHold}); a line whose lease expires (its replica died) goes back to the queue when
 * nothing was recorded, and is taken over when something was: the claimer charges the hold under the line's own hold
 * id, in full or at the recorded charge, and the line ends {@link LineState#UNKNOWN}. Exactly one charge either way,
 * and no second upstream call.
 */
public interface BatchStore {

  /**
   * A line given to one replica for a lease. {@code hold} is null for a line claimed from the queue; otherwise the
   * line was taken over from a replica that recorded this hold before it vanished (see {@link LineHold}).
   * {@code token} names this claim: a replica whose line was taken over can no longer record, renew or finish it.
   */
  record Claim(String team, String batchId, BatchLine line, LineHold hold, String token) {

    public boolean takenOver() {
      return hold != null;
    }

    /** The id of the line's budget hold: the same on every replica, so a takeover finds the hold. */
    public String holdId() {
      return "batch-" + batchId + "-" + line.number();
    }
  }

  /** The line is no longer this replica's: its lease ran out and another replica took it. */
  final class TakenBack extends RuntimeException {
    public TakenBack(Claim claim) {
      super("line " + claim.line().number() + " of batch " + claim.batchId() + " was taken back", null, false,
          false);
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
   * Records what the line is about to do with its budget hold ({@link LineHold}); fails with {@link TakenBack} when
   * the line is no longer this replica's, so the caller neither reserves nor charges.
   */
  Future<Void> record(Claim claim, LineHold hold);

  /**
   * Extends the leases of these claims (lines of one batch) that are still the latest claim of their line to
   * {@code nowMs + leaseMs}; the numbers of the lines renewed.
   */
  Future<List<Integer>> renew(List<Claim> claims, long nowMs, long leaseMs);

  /**
   * Finished batches whose retention ended by {@code nowMs} (a shared store: by its own clock), as
   * {@code <team>/<id>}, at most {@code max}; each is given to one caller at a time (the retention sweeper deletes
   * its images, ARCHITECTURE.md §13) and stays in the store until {@link #swept}: one whose caller died before is
   * given again later.
   */
  Future<List<String>> takeExpired(long nowMs, int max);

  /** A batch taken by {@link #takeExpired} is gone: its images were deleted. It leaves its team's list too. */
  Future<Void> swept(String member);

  /** Gives a batch taken by {@link #takeExpired} back, to be taken again at {@code atMs} (its deletion failed). */
  Future<Void> expireLater(String member, long atMs);

  /** Records the line's outcome; the batch, when this was its last open line. */
  Future<Optional<Batch>> finish(Claim claim, LineResult result, long nowMs);

  /**
   * The line was refused for budget. PAUSE: it goes back to the queue head and the batch pauses until
   * {@code untilMs}; FAIL: it and every queued line end as BUDGET_EXCEEDED. The batch, when it is now finished.
   */
  Future<Optional<Batch>> budgetRefused(Claim claim, long nowMs, long untilMs);

  Future<Void> close();
}
