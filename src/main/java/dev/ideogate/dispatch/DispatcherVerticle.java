package dev.ideogate.dispatch;

import dev.ideogate.upstream.IdeogramClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dispatcher of ARCHITECTURE.md §8: one instance per JVM, one {@link Lane} per upstream key fingerprint. Lanes live on
 * this verticle's context, so their queues and counters have a single owner and need no locks; callers on other
 * event loops hop onto it and get their answer back on their own context.
 */
public final class DispatcherVerticle extends VerticleBase {
  private final PermitStore store;
  private final LaneSettings settings;
  private final DispatchEvents events;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private IdeogramClient client;
  private final ClientFactory clientFactory;
  private final Clock clock;

  /** Builds the upstream client on this verticle's own event loop. */
  public interface ClientFactory {
    IdeogramClient create(Vertx vertx);
  }

  /** @param clock the wall clock, for HTTP-date Retry-After headers */
  public DispatcherVerticle(PermitStore store, LaneSettings settings, ClientFactory clientFactory, DispatchEvents events,
      Clock clock) {
    this.clock = clock;
    this.store = store;
    this.settings = settings;
    this.clientFactory = clientFactory;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    client = clientFactory.create(vertx);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    client.close();
    return Future.succeededFuture();
  }

  /** Queues the job on its lane; the future completes on the caller's context. */
  public Future<DispatchResult> dispatch(DispatchJob job) {
    context.runOnContext(v -> lane(job.lane()).submit(job));
    return onCaller(job.future());
  }

  /** The client went away: a queued job is dropped, an in-flight one completes and is settled. */
  public void cancel(DispatchJob job) {
    context.runOnContext(v -> lane(job.lane()).cancel(job));
  }

  /** Completes when the dispatcher's event loop has run a task: the liveness probe's view of it. */
  public Future<Void> ping() {
    Promise<Void> ran = Promise.promise();
    context.runOnContext(v -> ran.complete());
    return onCaller(ran.future());
  }

  /** Live figures of every lane, read for metrics and tests (values may be a moment old). */
  public Collection<LaneView> lanes() {
    return lanes.values().stream().map(l -> new LaneView(l.name(), l.inFlight(), l.limit(), l.queued())).toList();
  }

  /**
   * Cluster-wide figures of every lane this replica serves, for {@code ideogate_upstream_inflight{lane}} and
   * {@code ideogate_lane_limit{lane}}: permits held by all replicas, the shared effective limit, this replica's queue.
   * Fails when the permit store does not answer.
   */
  public Future<List<LaneView>> clusterLanes() {
    List<Future<LaneView>> views = lanes.values().stream()
        .map(l -> Future.all(store.inFlight(l.name()), store.effectiveLimit(l.name(), settings.maxInFlight()))
            .map(all -> new LaneView(l.name(), all.<Integer>resultAt(0), all.<Integer>resultAt(1), l.queued())))
        .toList();
    return Future.all(views).map(all -> all.<LaneView>list());
  }

  public int queued(String lane, String team) {
    Lane l = lanes.get(lane);
    return l == null ? 0 : l.queued(team);
  }

  /** Figures of one lane at a moment. */
  public record LaneView(String lane, int inFlight, int limit, int queued) {}

  private Lane lane(String name) {
    return lanes.computeIfAbsent(name, n -> new Lane(n, vertx, store, client, settings, events, clock));
  }

  private static <T> Future<T> onCaller(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> caller.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
