package dev.ideogate.batch;

import java.util.Locale;

/** What a line refused for budget does to its batch: pause it until the next window, or fail the remaining lines. */
public enum OnBudget {
  PAUSE, FAIL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OnBudget fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
