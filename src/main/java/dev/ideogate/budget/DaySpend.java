package dev.ideogate.budget;

/**
 * One team's settled spend and images on one calendar day (its day counters, ARCHITECTURE.md §7).
 *
 * @param day YYYY-MM-DD in the budgets time zone
 */
public record DaySpend(String day, long spentMicroUsd, long images) {}
