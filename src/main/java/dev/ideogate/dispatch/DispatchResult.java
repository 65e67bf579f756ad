package dev.ideogate.dispatch;

import dev.ideogate.upstream.UpstreamResponse;

/** Ideogram's final answer to a job, with how long it queued and how many attempts (429 retries) it took. */
public record DispatchResult(UpstreamResponse response, long queueWaitMs, int attempts) {}
