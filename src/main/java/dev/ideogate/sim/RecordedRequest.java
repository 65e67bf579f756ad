package dev.ideogate.sim;

/**
 * One authenticated arrival at the simulator, as {@code GET /__sim/requests} lists it.
 *
 * @param status the answer's status, 0 while unanswered or when the connection was dropped
 * @param finishedAtMs when the answer ended (epoch ms), 0 while unanswered
 */
public record RecordedRequest(String path, long arrivedAtMs, int status, long finishedAtMs) {}
