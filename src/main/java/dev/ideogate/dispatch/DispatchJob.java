package dev.ideogate.dispatch;

import dev.ideogate.upstream.KeyFingerprint;
import dev.ideogate.upstream.UpstreamCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One client request waiting for, or holding, a slot of its lane. Owned by the lane's context once submitted;
 * the ingress only reads its future and may ask for {@link DispatcherVerticle#cancel}.
 *
 * @param maxConcurrency the team's in-flight cap within the lane
 * @param maxQueued the team's queue bound (429 queue_full beyond)
 * @param maxQueueWaitMs how long it may wait for its first dispatch (429 queue_timeout after)
 */
public final class DispatchJob {
  enum State { NEW, QUEUED, IN_FLIGHT, BACKING_OFF, DONE }

  private final String team;
  private final int maxConcurrency;
  private final int maxQueued;
  private final long maxQueueWaitMs;
  private final UpstreamCall call;
  private final String lane;
  private final boolean batch;
  private final Promise<DispatchResult> promise = Promise.promise();

  State state = State.NEW;
  boolean cancelRequested;
  int attempts;
  long enqueuedAtMs;
  long queueWaitMs;
  long timerId = -1;

  public DispatchJob(String team, int maxConcurrency, int maxQueued, long maxQueueWaitMs, UpstreamCall call) {
    this(team, maxConcurrency, maxQueued, maxQueueWaitMs, call, false);
  }

  /**
   * @param batch a batch line: queued in the lower class of the lane's {@link FairQueue}, behind every interactive
   *     request, and not counted against {@code maxQueued}
   */
  public DispatchJob(String team, int maxConcurrency, int maxQueued, long maxQueueWaitMs, UpstreamCall call,
      boolean batch) {
    this.batch = batch;
    this.team = team;
    this.maxConcurrency = maxConcurrency;
    this.maxQueued = maxQueued;
    this.maxQueueWaitMs = maxQueueWaitMs;
    this.call = call;
    this.lane = KeyFingerprint.of(call.apiKey());
  }

  public String team() {
    return team;
  }

  public String lane() {
    return lane;
  }

  public boolean batch() {
    return batch;
  }

  public UpstreamCall call() {
    return call;
  }

  int maxConcurrency() {
    return maxConcurrency;
  }

  int maxQueued() {
    return maxQueued;
  }

  long maxQueueWaitMs() {
    return maxQueueWaitMs;
  }

  public Future<DispatchResult> future() {
    return promise.future();
  }

  void complete(DispatchResult result) {
    state = State.DONE;
    promise.tryComplete(result);
  }

  void fail(Throwable cause) {
    state = State.DONE;
    promise.tryFail(cause);
  }
}
