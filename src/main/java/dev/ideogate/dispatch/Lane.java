package dev.ideogate.dispatch;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.upstream.IdeogramClient;
import dev.ideogate.upstream.UpstreamFailure;
import dev.ideogate.upstream.UpstreamResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The queue and the slots of one upstream key. Jobs wait in per-team FIFO queues served round-robin
 * ({@link FairQueue}); a job starts when its team is under its cap, the lane under its effective (AIMD) limit, and
 * the {@link PermitStore} grants a permit. A 429 gives the permit back, waits Retry-After or a jittered backoff and
 * requeues the job at the head of its team's queue. Single-threaded: every method runs on the dispatcher context.
 */
final class Lane {
  private final String name;
  private final Vertx vertx;
  private final PermitStore store;
  private final IdeogramClient client;
  private final LaneSettings settings;
  private final DispatchEvents events;
  private final FairQueue<DispatchJob> queue = new FairQueue<>();
  private final Map<String, Integer> teamInFlight = new HashMap<>();
  private final Map<String, Integer> teamCaps = new HashMap<>();
  private int limit; // the lane's effective (AIMD) limit, as the store last answered it
  private final CompletionRate completions;
  private final Clock clock;
  private int inFlight;
  /** Acquires on their way: pipelined, up to the lane's free slots, so a lane's pace is not one round trip a job. */
  private int acquiring;
  private boolean wokenWhileAcquiring; // a slot came free while acquires were on their way: try again once answered
  /** Jobs refused while other acquires were on their way; requeued in their order once the last one answers. */
  private final java.util.ArrayDeque<DispatchJob> refused = new java.util.ArrayDeque<>();
  private long refusals;
  private long safetyPollTimer = -1;

  Lane(String name, Vertx vertx, PermitStore store, IdeogramClient client, LaneSettings settings, DispatchEvents events,
      Clock clock) {
    this.clock = clock;
    this.name = name;
    this.vertx = vertx;
    this.store = store;
    this.client = client;
    this.settings = settings;
    this.events = events;
    this.limit = settings.maxInFlight();
    this.completions = new CompletionRate(30_000, Lane::monotonicMs);
    store.onFreed(name, this::freed);
  }

  String name() {
    return name;
  }

  int inFlight() {
    return inFlight;
  }

  int limit() {
    return limit;
  }

  int queued(String team) {
    return queue.depth(team);
  }

  int queued() {
    return queue.size();
  }

  void submit(DispatchJob job) {
    if (job.cancelRequested) {
      job.fail(Cancelled.INSTANCE);
      return;
    }
    teamInFlight.putIfAbsent(job.team(), 0);
    teamCaps.put(job.team(), Math.min(job.maxConcurrency(), settings.maxInFlight()));
    if (job.batch()) {
      queue.offerBatch(job.team(), job);
    } else if (!queue.offer(job.team(), job, job.maxQueued())) {
      long retryAfterS = completions.secondsFor(queue.depth(job.team()), Math.max(1, job.maxQueueWaitMs() / 1000));
      job.fail(new GatewayException(ErrorCode.QUEUE_FULL,
          "team " + job.team() + " already has " + queue.depth(job.team())
              + " requests queued for this Ideogram key (maxQueued); slow down and retry after "
              + retryAfterS + " s", retryAfterS));
      return;
    }
    job.state = DispatchJob.State.QUEUED;
    job.enqueuedAtMs = monotonicMs();
    pump();
    // The queue-wait timer only for a job still waiting (queued, or its acquire on its way): one this pump started,
    // on a free slot and a local permit, would set a timer only to cancel it (docs/performance.md).
    if (job.state == DispatchJob.State.QUEUED) {
      job.timerId = vertx.setTimer(Math.max(1, job.maxQueueWaitMs()), id -> queueTimeout(job));
    }
  }

  void cancel(DispatchJob job) {
    job.cancelRequested = true;
    if (job.state == DispatchJob.State.QUEUED && queue.remove(job.team(), job)) {
      cancelled(job);
    }
    // IN_FLIGHT: the call completes (Ideogram bills it) and is settled; BACKING_OFF: dropped when the delay ends.
  }

  private void queueTimeout(DispatchJob job) {
    if (job.state != DispatchJob.State.QUEUED || !queue.remove(job.team(), job)) {
      return;
    }
    long retryAfterS = completions.secondsFor(queue.size() + 1, Math.max(1, job.maxQueueWaitMs() / 1000));
    job.fail(new GatewayException(ErrorCode.QUEUE_TIMEOUT,
        "request waited " + job.maxQueueWaitMs() + " ms in the queue for a free Ideogram slot (maxQueueWait);"
            + " retry after " + retryAfterS + " s", retryAfterS));
  }

  /**
   * Starts queued jobs while the lane, the team caps and the permit store allow. Acquires are pipelined: as many on
   * their way at once as the lane has free slots (a job's team slot is taken when it leaves the queue), so the lane's
   * pace is not one Redis round trip per job (ARCHITECTURE.md §8). After a refusal no new acquire starts until every
   * one on its way has answered; the refused jobs then go back to the head of their teams' queues in their order and
   * wait for a freed permit (or the safety poll).
   */
  void pump() {
    long refusalsBefore = refusals;
    // A refusal (even one answered at once, by the local store) ends the pass: the lane is full.
    while (refused.isEmpty() && refusals == refusalsBefore && inFlight + acquiring < limit && queue.size() > 0) {
      var next = queue.poll(this::teamMayStart);
      if (next.isEmpty()) {
        return;
      }
      DispatchJob job = next.get().item();
      acquiring++;
      teamInFlight.merge(job.team(), 1, Integer::sum);
      store.tryAcquire(name, settings.maxInFlight()).onComplete(ar -> acquired(job, ar));
    }
    if (acquiring == 0 && queue.size() > 0) {
      armSafetyPoll();
    }
  }

  private boolean teamMayStart(String team) {
    return teamInFlight.getOrDefault(team, 0) < jobCap(team);
  }

  private int jobCap(String team) {
    return teamCaps.getOrDefault(team, settings.maxInFlight());
  }

  private void acquired(DispatchJob polled, AsyncResult<PermitStore.Permit> ar) {
    DispatchJob job = polled;
    acquiring--;
    if (ar.failed()) {
      teamInFlight.merge(job.team(), -1, Integer::sum);
      vertx.cancelTimer(job.timerId);
      job.fail(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
          "the permit store cannot confirm a free Ideogram slot; retry shortly", 1L));
      requeueRefusedOnceAnswered();
      pump(); // fail-closed: the next queued jobs get their 503 now, not one per safety poll
      return;
    }
    PermitStore.Permit permit = ar.result();
    if (permit == null) {
      refusals++;
      teamInFlight.merge(job.team(), -1, Integer::sum);
      refused.push(job); // the whole deployment is at the limit: wait for a freed permit
      requeueRefusedOnceAnswered();
      return;
    }
    DispatchJob earlier = earliestLiveRefused();
    if (earlier != null) {
      // Answers come in the order the acquires were sent (one pipelined connection): a job refused before this one
      // left the queue earlier, so the permit is its, and this job waits in its place. FIFO holds.
      teamInFlight.merge(earlier.team(), 1, Integer::sum);
      teamInFlight.merge(job.team(), -1, Integer::sum);
      refused.push(job);
      job = earlier;
    } else if (job.cancelRequested) { // the client left while the acquire was on its way: nothing is sent
      store.release(permit);
      teamInFlight.merge(job.team(), -1, Integer::sum);
      cancelled(job);
      requeueRefusedOnceAnswered();
      freed(); // its permit went back
      return;
    }
    start(job, permit);
    requeueRefusedOnceAnswered();
    pump();
  }

  /** The earliest refused job whose client is still there; the ones that left are failed on the way. */
  private DispatchJob earliestLiveRefused() {
    DispatchJob earliest;
    while ((earliest = refused.pollLast()) != null && earliest.cancelRequested) {
      cancelled(earliest);
    }
    return earliest;
  }

  private void cancelled(DispatchJob job) {
    vertx.cancelTimer(job.timerId);
    job.fail(Cancelled.INSTANCE);
  }

  /** Once no acquire is on its way: the refused jobs back at the head of their queues, earliest first. */
  private void requeueRefusedOnceAnswered() {
    if (acquiring > 0 || refused.isEmpty()) {
      return;
    }
    boolean woken = wokenWhileAcquiring;
    wokenWhileAcquiring = false;
    while (!refused.isEmpty()) {
      DispatchJob job = refused.pop(); // the latest refused first, so the earliest ends up at the head
      if (job.cancelRequested) { // the client left while its acquire was on its way
        cancelled(job);
        continue;
      }
      queue.offerFirst(job.team(), job, job.batch());
      if (job.attempts == 0 && monotonicMs() - job.enqueuedAtMs >= job.maxQueueWaitMs()) {
        queueTimeout(job); // its timer fired while it was out of the queue for this acquire
      }
    }
    if (woken) {
      pump();
    }
    armSafetyPoll();
  }

  private void start(DispatchJob job, PermitStore.Permit permit) {
    vertx.cancelTimer(job.timerId);
    if (job.attempts == 0) {
      job.queueWaitMs = monotonicMs() - job.enqueuedAtMs;
      events.dequeued(job.team(), job.queueWaitMs);
    }
    job.state = DispatchJob.State.IN_FLIGHT;
    job.attempts++;
    inFlight++; // its team's slot was taken when it left the queue
    long heartbeat = settings.heartbeatMs() > 0 && store.leased()
        ? vertx.setPeriodic(settings.heartbeatMs(), id -> store.renew(permit)) : -1;
    long sentNs = System.nanoTime();
    client.send(job.call()).onComplete(ar -> {
      events.upstreamCall(job.call().label(), ar.succeeded() ? ar.result().status() : 0,
          System.nanoTime() - sentNs);
      finished(job, permit, heartbeat, ar);
    });
  }

  private void finished(DispatchJob job, PermitStore.Permit permit, long heartbeat, AsyncResult<UpstreamResponse> ar) {
    if (heartbeat >= 0) {
      vertx.cancelTimer(heartbeat);
    }
    inFlight--;
    teamInFlight.merge(job.team(), -1, Integer::sum);
    completions.record();
    if (ar.failed()) {
      job.fail(UpstreamFailure.classify(ar.cause()));
    } else {
      UpstreamResponse response = ar.result();
      events.upstreamResponse(name, response.status());
      if (response.status() == 429) {
        throttled(job, response);
        // release after the 429 lowered the limit, so a wake-up cannot overshoot it
        store.onThrottled(permit, settings.maxInFlight()).onSuccess(this::limitIs)
            .eventually(() -> store.release(permit)).onComplete(v -> freed());
        return;
      }
      job.complete(new DispatchResult(response, job.queueWaitMs, job.attempts));
      // Reported before the release, which makes the store forget the permit: the store reports it to Redis only
      // when the limit can rise, else answers the limit the permit's acquire read (ARCHITECTURE.md §8).
      store.onSuccess(permit, settings.maxInFlight()).onSuccess(this::limitIs);
      // Pumped on the release's answer: the freed slot is raced for by every replica at the same moment.
      store.release(permit).onComplete(v -> freed());
      return;
    }
    store.release(permit).onComplete(v -> freed());
  }

  /**
   * A slot may have come free: this lane released a permit, another replica announced one, a lease ran out, or the
   * limit rose. Acquires on their way may have been refused before it, so the lane tries again once they have all
   * answered. Only a free slot does this: a new job or a started one does not make refused acquires worth repeating.
   */
  private void freed() {
    if (acquiring > 0) {
      wokenWhileAcquiring = true;
    }
    pump();
  }

  private void limitIs(int effectiveLimit) {
    boolean raised = effectiveLimit > limit;
    limit = effectiveLimit;
    if (raised) {
      freed();
    }
  }

  private void throttled(DispatchJob job, UpstreamResponse response) {
    OptionalLong retryAfterMs = RetryAfter.parseMs(response.retryAfter(), clock.instant());
    if (job.attempts >= settings.maxAttempts()) {
      long retryAfterS = Math.max(1, (retryAfterMs.orElse(settings.baseDelayMs()) + 999) / 1000);
      job.fail(new GatewayException(ErrorCode.UPSTREAM_RATE_LIMITED,
          "Ideogram kept answering 429 for this key after " + job.attempts + " attempts; retry after "
              + retryAfterS + " s", retryAfterS));
      return;
    }
    long delayMs =
        retryAfterMs.orElseGet(() -> Backoff.delayMs(job.attempts, settings.baseDelayMs(), settings.maxDelayMs(),
            ThreadLocalRandom.current()::nextDouble));
    events.retried(name);
    job.state = DispatchJob.State.BACKING_OFF;
    vertx.setTimer(Math.max(1, delayMs), id -> requeue(job));
  }

  private void requeue(DispatchJob job) {
    if (job.cancelRequested) {
      job.fail(Cancelled.INSTANCE);
      return;
    }
    job.state = DispatchJob.State.QUEUED;
    queue.offerFirst(job.team(), job, job.batch());
    pump();
  }

  private void armSafetyPoll() {
    if (safetyPollTimer >= 0 || settings.safetyPollMs() <= 0) {
      return;
    }
    safetyPollTimer = vertx.setTimer(settings.safetyPollMs(), id -> {
      safetyPollTimer = -1;
      pump();
    });
  }

  // Queue waits and completion rates are durations: a monotonic clock, unmoved by wall-clock steps.
  private static long monotonicMs() {
    return System.nanoTime() / 1_000_000;
  }
}
