package dev.ideogate.async;

import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.DispatchJob;
import dev.ideogate.dispatch.DispatchResult;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.upstream.CallTrace;
import dev.ideogate.upstream.UpstreamCall;
import dev.ideogate.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the generations whose callback never came (issue 10 §3): every {@code reconcileIntervalMs} each replica
 * takes the pending ids whose deadline passed from the index, claims each ({@code SET NX PX}, so one replica polls
 * it), and asks Ideogram. Completed or failed: settled like a callback. Still pending: looked at again after
 * another {@code reconcileAfterMs / 2}. Unknown to Ideogram (404): released, since nothing was billed. Any other
 * answer, or none: retried on the next round. The hold lease is more than twice the deadline, so this settles
 * long before the hold would expire and be charged in full. Each poll goes to Ideogram through the team's lane on the
 * dispatcher, like a client's poll (ARCHITECTURE.md §11): it counts against the upstream key's shared in-flight limit
 * and backs off on its 429s instead of drawing them for every team on that key; a full queue just waits a round.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final int BATCH = 50;
  private static final long CLAIM_MS = 30_000;

  private final Vertx vertx;
  private final AsyncStore store;
  private final DispatcherVerticle dispatcher;
  private final GenerationSettler settler;
  private final Supplier<GatewayConfig> settings;
  private final AsyncSettings timing;
  private final String owner;
  private final Clock clock;
  /** Generations this replica settled by polling (tests and the fault report read it). */
  public final AtomicLong settled = new AtomicLong();
  private long timerId = -1;
  private boolean running;

  public Reconciler(Vertx vertx, AsyncStore store, DispatcherVerticle dispatcher, GenerationSettler settler,
      Supplier<GatewayConfig> settings, AsyncSettings timing, String owner, Clock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.store = store;
    this.dispatcher = dispatcher;
    this.settler = settler;
    this.settings = settings;
    this.timing = timing;
    this.owner = owner;
  }

  public void start() {
    timerId = vertx.setPeriodic(timing.reconcileIntervalMs(), id -> round());
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void round() {
    if (running) {
      return;
    }
    running = true;
    store.due(clock.millis(), BATCH)
        .compose(ids -> Future.join(ids.stream().map(this::reconcile).toList()))
        .onComplete(done -> running = false);
  }

  private Future<Void> reconcile(String id) {
    return store.claim(id, owner, Math.min(CLAIM_MS, Math.max(1, timing.reconcileAfterMs() / 2))).compose(mine -> mine ? reconcileClaimed(id) : Future.succeededFuture())
        .recover(e -> {
          LOG.debug("reconciling generation {} failed this round: {}", id, e.toString());
          return Future.succeededFuture();
        });
  }

  private Future<Void> reconcileClaimed(String id) {
    return store.find(id).compose(generation -> {
      if (generation == null) {
        return store.unindex(id);
      }
      return store.pending(id).compose(pending -> pending ? poll(generation) : store.unindex(id));
    });
  }

  private Future<Void> poll(AsyncGeneration generation) {
    TeamConfig team = settings.get().team(generation.team());
    if (team == null) {
      return postpone(generation);
    }
    DispatchJob job = new DispatchJob(team.id(), team.maxConcurrency(), team.maxQueued(),
        team.maxQueueWait().toMillis(), UpstreamCall.poll(generation.generationId(), team.upstreamKey(),
            CallTrace.NONE));
    return dispatcher.dispatch(job).map(DispatchResult::response).compose(response -> {
      JsonObject result = finalResult(response);
      if (result != null) {
        return settler.settle(generation, result, "reconciler").onSuccess(won -> {
          if (won) {
            settled.incrementAndGet();
          }
        }).mapEmpty();
      }
      return postpone(generation);
    });
  }

  /** A final state from the poll answer, or null when the generation must be looked at again later. */
  public static JsonObject finalResult(UpstreamResponse response) {
    if (response.status() == 404) {
      return new JsonObject().put("status", "failed").put("reason", "unknown to Ideogram");
    }
    if (response.status() != 200) {
      return null;
    }
    try {
      JsonObject body = new JsonObject(response.body());
      String status = body.getString("status");
      return "completed".equals(status) || "failed".equals(status) ? body : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Future<Void> postpone(AsyncGeneration generation) {
    return store.postpone(generation.generationId(), clock.millis() + timing.reconcileAfterMs() / 2);
  }
}
