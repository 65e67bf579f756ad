package dev.ideogate.redis;

/**
 * How long a command written on a pipelined connection waits for its answer (ARCHITECTURE.md §2). The command
 * timeout measures Redis' silence, not the wait: Redis answers a connection's commands in order, so a command whose
 * connection has answered anything within the last timeout is behind a queue on a live connection, not lost, and
 * keeps waiting, up to a cap of a few timeouts. Only a connection silent for a whole timeout fails the command.
 *
 * <p>Silence is judged twice, with one more pass of the event loop in between: an event loop that was late (a CPU-starved
 * machine, a GC pause) runs its due timers before it reads the answers already waiting in the socket, so the first
 * look may see silence where Redis has in fact answered.
 *
 * <p>Times are {@code System.nanoTime()} readings; no I/O here.
 */
final class AnswerPatience {
  /** What a look returns instead of a delay: the command fails now. */
  static final long GIVE_UP = -1;
  /** The delay of the second look at a silent connection: the next turn of the event loop, after its reads. */
  static final long LOOK_AGAIN_NANOS = 1_000_000;
  /** A command waits at most this many timeouts, however busy its connection. */
  static final int CAP_IN_TIMEOUTS = 5;

  private final long silenceNanos;
  private final long capNanos;

  /** @param timeoutNanos how long a connection may stay silent while a command waits on it */
  AnswerPatience(long timeoutNanos) {
    if (timeoutNanos <= LOOK_AGAIN_NANOS) {
      throw new IllegalArgumentException("the command timeout must be longer than 1 ms, got " + timeoutNanos + " ns");
    }
    this.silenceNanos = timeoutNanos;
    this.capNanos = timeoutNanos * CAP_IN_TIMEOUTS;
  }

  /** Nanoseconds until the first look at a command just written. */
  long firstLookNanos() {
    return silenceNanos;
  }

  /**
   * The decision of one look at a command still unanswered.
   *
   * @param sentNanos when the command was written
   * @param heardNanos when its connection last answered anything (any command)
   * @param nowNanos now
   * @param lookingAgain whether the previous look found the connection silent
   * @return nanoseconds until the next look ({@link #LOOK_AGAIN_NANOS} after a first silent look), or
   *     {@link #GIVE_UP}
   */
  long nextLookNanos(long sentNanos, long heardNanos, long nowNanos, boolean lookingAgain) {
    long waited = nowNanos - sentNanos;
    if (waited >= capNanos) {
      return GIVE_UP;
    }
    long quiet = quietNanos(sentNanos, heardNanos, nowNanos);
    if (quiet < silenceNanos) {
      return Math.min(silenceNanos - quiet, capNanos - waited);
    }
    return lookingAgain ? GIVE_UP : LOOK_AGAIN_NANOS;
  }

  /** Whether a command that gave up at {@code nowNanos} did so because its connection went silent (not the cap). */
  boolean silent(long sentNanos, long heardNanos, long nowNanos) {
    return quietNanos(sentNanos, heardNanos, nowNanos) >= silenceNanos;
  }

  /** How long the connection has been quiet while the command waited. */
  private static long quietNanos(long sentNanos, long heardNanos, long nowNanos) {
    return nowNanos - (heardNanos - sentNanos > 0 ? heardNanos : sentNanos);
  }
}
