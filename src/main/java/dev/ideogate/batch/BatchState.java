package dev.ideogate.batch;

import java.util.Locale;

/**
 * A batch's state (ARCHITECTURE.md §13): RUNNING while it has queued or running lines, PAUSED while its team's
 * budget is spent ({@code on_budget: pause}, until the next budget window), COMPLETED once every line is terminal,
 * CANCELLED once cancelled (lines already running still finish and are counted).
 */
public enum BatchState {
  RUNNING, PAUSED, COMPLETED, CANCELLED;

  public boolean open() {
    return this == RUNNING || this == PAUSED;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BatchState fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
