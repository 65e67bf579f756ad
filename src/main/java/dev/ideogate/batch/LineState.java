package dev.ideogate.batch;

import java.util.Locale;

/**
 * Where one line of a batch stands (ARCHITECTURE.md §13). QUEUED and RUNNING are open; the rest are terminal.
 * UNKNOWN: the upstream call may have been billed (timeout, lost response, 5xx, a replica gone mid-call) and is not
 * retried blindly; it is charged like any such request.
 */
public enum LineState {
  QUEUED, RUNNING, SUCCEEDED, FAILED, UNKNOWN, BUDGET_EXCEEDED, CANCELLED;

  public boolean terminal() {
    return this != QUEUED && this != RUNNING;
  }

  /** The wire name, e.g. {@code budget_exceeded}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static LineState fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
