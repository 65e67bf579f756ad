package dev.ideogate.budget;

import java.util.OptionalLong;

/** The limits a reservation is checked against; taken from config on every call, so a change applies at once. */
public record TeamBudget(String team, long dailyLimitMicroUsd, OptionalLong monthlyLimitMicroUsd) {
  public TeamBudget {
    if (dailyLimitMicroUsd < 0) {
      throw new IllegalArgumentException("daily limit must be ≥ 0 µUSD, got " + dailyLimitMicroUsd);
    }
  }
}
