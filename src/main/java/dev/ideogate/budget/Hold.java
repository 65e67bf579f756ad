package dev.ideogate.budget;

/**
 * A reservation: {@code amountMicroUsd} held for {@code team} in {@code window} until settled, released, or
 * its lease expires (then it is charged: spend is never under-counted).
 *
 * @param remainingMicroUsd what the team may still reserve right after this hold (tightest window)
 */
public record Hold(String id, String team, BudgetWindow window, long amountMicroUsd, long remainingMicroUsd) {}
