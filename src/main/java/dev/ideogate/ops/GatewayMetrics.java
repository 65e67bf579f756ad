package dev.ideogate.ops;

import dev.ideogate.dispatch.DispatchEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request, dispatcher and lane metrics of ARCHITECTURE.md §9 on one Prometheus registry per gateway (several gateways
 * in one JVM, as tests run them, never share figures). Micrometer's Prometheus naming turns {@code
 * ideogate.requests} into {@code ideogate_requests_total} and timers into {@code *_seconds} histograms.
 *
 * <p>Labels are team ids, endpoint labels, lane fingerprints, codes and statuses: never a key. Lane gauges read a
 * snapshot that {@link #updateLane} and {@link #updateQueueDepth} refresh just before each scrape.
 */
public final class GatewayMetrics implements DispatchEvents {
  /** The team label of a request no team could be found for (401, 404, admin keys). */
  public static final String NO_TEAM = "none";
  private static final Duration LONGEST_REQUEST = Duration.ofMinutes(10);

  private final PrometheusMeterRegistry registry;
  private final Map<String, AtomicInteger> laneInFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> laneLimit = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> queueDepth = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failOpenActive = new ConcurrentHashMap<>();
  private Runnable beforeScrape = () -> {};

  public GatewayMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** One finished client request: {@code code} is "ok" for a success, else the ARCHITECTURE.md §6 code. */
  public void request(String team, String endpoint, String code, long durationNanos) {
    String teamLabel = team == null ? NO_TEAM : team;
    Counter.builder("ideogate.requests")
        .description("Client requests by team, endpoint and outcome code")
        .tags("team", teamLabel, "endpoint", endpoint, "code", code)
        .register(registry)
        .increment();
    Timer.builder("ideogate.request.duration")
        .description("Time from arrival to the end of the response")
        .tags("team", teamLabel, "endpoint", endpoint)
        .publishPercentileHistogram()
        .maximumExpectedValue(LONGEST_REQUEST)
        .register(registry)
        .record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void upstreamResponse(String lane, int status) {
    Counter.builder("ideogate.upstream.responses")
        .description("Answers from Ideogram by lane (upstream key fingerprint) and HTTP status")
        .tags("lane", lane, "status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  @Override
  public void retried(String lane) {
    Counter.builder("ideogate.upstream.retries")
        .description("Requests requeued after an upstream 429")
        .tags("lane", lane)
        .register(registry)
        .increment();
  }

  @Override
  public void dequeued(String team, long queueWaitMs) {
    Timer.builder("ideogate.queue.wait")
        .description("Time a request waited in its lane's queue before its first dispatch")
        .tags("team", team)
        .publishPercentileHistogram()
        .maximumExpectedValue(LONGEST_REQUEST)
        .register(registry)
        .record(queueWaitMs, TimeUnit.MILLISECONDS);
  }

  /** Sets a lane's in-flight count and effective (AIMD) limit, registering its gauges on first sight. */
  public void updateLane(String lane, int inFlight, int limit) {
    laneInFlight.computeIfAbsent(lane, l -> gauge("ideogate.upstream.inflight",
        "Requests in flight to Ideogram on this replica", new String[] {"lane", l})).set(inFlight);
    laneLimit.computeIfAbsent(lane, l -> gauge("ideogate.lane.limit",
        "Effective in-flight limit of the lane (AIMD, at most upstream.maxInFlightPerKey)",
        new String[] {"lane", l})).set(limit);
  }

  public void updateQueueDepth(String lane, String team, int depth) {
    queueDepth.computeIfAbsent(lane + '\n' + team, k -> gauge("ideogate.queue.depth",
        "Requests of the team waiting in the lane's queue on this replica",
        new String[] {"lane", lane, "team", team})).set(depth);
  }

  /** Runs {@code refresh} (lane snapshot) before every scrape. */
  public void beforeScrape(Runnable refresh) {
    this.beforeScrape = refresh;
  }

  /** {@code GET /metrics}: Prometheus text exposition through vertx-micrometer-metrics. */
  public Handler<RoutingContext> scrapeHandler() {
    Handler<RoutingContext> scrape = PrometheusScrapingHandler.create(registry);
    return ctx -> {
      beforeScrape.run();
      scrape.handle(ctx);
    };
  }

  /** The whole exposition as text (tests, debugging). */
  public String scrape() {
    beforeScrape.run();
    return registry.scrape();
  }

  private AtomicInteger gauge(String name, String description, String[] tags) {
    AtomicInteger value = new AtomicInteger();
    Gauge.builder(name, value, AtomicInteger::get).description(description).tags(tags).strongReference(true)
        .register(registry);
    return value;
  }

  /** A budget alert fired on this replica (each fires once per team, window and threshold across replicas). */
  public void budgetAlert(String team, String window, int thresholdPct) {
    Counter.builder("ideogate.budget.alerts")
        .description("Budget alerts fired (80 % / 100 % of a window), once across all replicas")
        .tags("team", team, "window", window, "threshold", Integer.toString(thresholdPct))
        .register(registry)
        .increment();
  }

  /**
   * Fail-open (ARCHITECTURE.md §9): {@code ideogate_fail_open_active{store}} is 1 while the store enforces on this
   * replica alone because Redis does not answer, 0 once Redis answers again.
   */
  public void failOpenActive(String store, boolean active) {
    failOpenActive.computeIfAbsent(store, s -> gauge("ideogate.fail_open.active",
        "1 while this store enforces on this replica alone because Redis does not answer (redis.failMode: open)",
        new String[] {"store", s})).set(active ? 1 : 0);
  }

  /** {@code ideogate_fail_open_total{store}}: one call of the store answered locally instead of by Redis. */
  public void failedOpen(String store) {
    Counter.builder("ideogate.fail_open")
        .description("Calls answered by this replica's local store because Redis did not (redis.failMode: open)")
        .tags("store", store)
        .register(registry)
        .increment();
  }
}
