package dev.ideogate.ops;

import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.DispatcherVerticle.LaneView;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The lane gauges ({@code upstream_inflight}, {@code lane_limit}, {@code queue_depth}) for a scrape: every lane the
 * config names (idle ones at 0 and the configured limit) and every live lane. In-flight and limit are the
 * cluster-wide figures of the permit store when it has them (refreshed by {@link #poll}), else this replica's.
 */
public final class LaneGauges {
  private final GatewayMetrics metrics;
  private final DispatcherVerticle dispatcher;
  private final Supplier<GatewayConfig> config;
  private volatile Map<String, LaneView> cluster = Map.of();

  public LaneGauges(GatewayMetrics metrics, DispatcherVerticle dispatcher, Supplier<GatewayConfig> config) {
    this.metrics = metrics;
    this.dispatcher = dispatcher;
    this.config = config;
  }

  /** Reads the permit store's cluster-wide figures (every second: a scrape must not wait on Redis). */
  public Future<Void> poll() {
    return dispatcher.clusterLanes().map(views -> {
      Map<String, LaneView> byLane = new HashMap<>();
      views.forEach(v -> byLane.put(v.lane(), v));
      cluster = byLane;
      return null;
    });
  }

  /** Sets the gauges; runs before every scrape. */
  public void refresh() {
    GatewayConfig current = config.get();
    Map<String, LaneView> live = new HashMap<>();
    dispatcher.lanes().forEach(view -> live.put(view.lane(), view));
    live.putAll(cluster);
    for (TeamConfig team : current.teams().values()) {
      String lane = KeyFingerprint.of(team.upstreamKey());
      LaneView view = live.get(lane);
      metrics.updateLane(lane, view == null ? 0 : view.inFlight(),
          view == null ? current.upstream().maxInFlightPerKey() : view.limit());
      metrics.updateQueueDepth(lane, team.id(), dispatcher.queued(lane, team.id()));
    }
    live.values().forEach(view -> metrics.updateLane(view.lane(), view.inFlight(), view.limit()));
  }
}
