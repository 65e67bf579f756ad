package dev.ideogate.budget;

import java.util.OptionalLong;

/**
 * One team's figures for a day and a month; all money in micro-USD. Monthly limit empty when not configured.
 * remaining = max(0, min over windows of limit − spent − held).
 */
public record TeamUsage(
    String team,
    String day,
    long dailyLimitMicroUsd,
    long spentDayMicroUsd,
    long imagesDay,
    String month,
    OptionalLong monthlyLimitMicroUsd,
    long spentMonthMicroUsd,
    long imagesMonth,
    long heldMicroUsd,
    long holdsExpired) {

  public long remainingMicroUsd() {
    long day = dailyLimitMicroUsd - spentDayMicroUsd - heldMicroUsd;
    long month =
        monthlyLimitMicroUsd.isPresent()
            ? monthlyLimitMicroUsd.getAsLong() - spentMonthMicroUsd - heldMicroUsd
            : Long.MAX_VALUE;
    return Math.max(0, Math.min(day, month));
  }
}
