package dev.ideogate.budget;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.api.MicroUsd;

/**
 * Why a reservation was refused: which window, what it had left and what the request needed (ARCHITECTURE.md §6, 402
 * {@code budget_exceeded}). Both ledgers refuse through this one message.
 */
record BudgetRefusal(String team, Window window, String windowName, long remainingMicroUsd, long neededMicroUsd) {

  enum Window {
    DAY("daily"),
    MONTH("monthly");

    private final String adjective;

    Window(String adjective) {
      this.adjective = adjective;
    }
  }

  BudgetRefusal {
    if (remainingMicroUsd < 0 || neededMicroUsd < 0) {
      throw new IllegalArgumentException(
          "remaining and needed must be ≥ 0 µUSD, got " + remainingMicroUsd + " and " + neededMicroUsd);
    }
  }

  static BudgetRefusal of(String team, Window window, BudgetWindow windows, long remainingMicroUsd, long needed) {
    String name = window == Window.DAY ? windows.day() : windows.month();
    return new BudgetRefusal(team, window, name, remainingMicroUsd, needed);
  }

  GatewayException toException() {
    return new GatewayException(ErrorCode.BUDGET_EXCEEDED, message());
  }

  /** e.g. "daily budget of team marketing exceeded: remaining 0.04 USD, this request needs 0.08 USD (window 2026-11-26)". */
  String message() {
    return window.adjective + " budget of team " + team + " exceeded: remaining " + MicroUsd.format(remainingMicroUsd)
        + " USD, this request needs " + MicroUsd.format(neededMicroUsd) + " USD (window " + windowName + ")";
  }
}
