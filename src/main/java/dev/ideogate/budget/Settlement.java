package dev.ideogate.budget;

/**
 * The outcome of a settle.
 *
 * @param chargedMicroUsd what this call charged (0 when the hold was already settled, released or expired)
 * @param remainingMicroUsd what the team may still reserve (tightest window)
 */
public record Settlement(long chargedMicroUsd, long remainingMicroUsd) {}
