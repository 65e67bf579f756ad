package dev.ideogate.ops;

import dev.ideogate.async.DeliveryStats;
import dev.ideogate.config.ConfigWatcher;
import dev.ideogate.dispatch.DispatchEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The request, dispatcher and lane metrics of ARCHITECTURE.md §9 on one Prometheus registry per gateway (several gateways
 * in one JVM, as tests run them, never share figures). Micrometer's Prometheus naming turns {@code
 * ideogate.requests} into {@code ideogate_requests_total} and timers into {@code *_seconds} histograms.
 *
 * <p>Labels are team ids, endpoint labels, lane fingerprints, codes and statuses: never a key. Lane gauges read a
 * snapshot that {@link #updateLane} and {@link #updateQueueDepth} refresh just before each scrape.
 *
 * <p>Histograms have explicit buckets in seconds (at most 15 each, ARCHITECTURE.md §9), never Micrometer's percentile
 * histogram (88 buckets per series). The registry also joins Micrometer's global registry while the gateway runs, so
 * process-wide figures recorded there (Redis script latency, {@code redis.LuaScript}) reach this scrape.
 */
public final class GatewayMetrics implements DispatchEvents, AutoCloseable {
  /** The team label of a request no team could be found for (401, 404, admin keys). */
  public static final String NO_TEAM = "none";
  /** Client request and upstream call durations: 50 ms to the 10-minute ceiling of a long generation. */
  static final Duration[] REQUEST_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600);
  /** Queue waits: from "no wait" to the longest maxQueueWait anyone configures. */
  static final Duration[] QUEUE_BUCKETS = seconds(0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300);

  private final PrometheusMeterRegistry registry;
  private final Map<String, AtomicInteger> laneInFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> laneLimit = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> queueDepth = new ConcurrentHashMap<>();
  private final AtomicInteger configReloadOk = new AtomicInteger(1);
  private final AtomicLong configReloadOkAtMs = new AtomicLong();
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final Map<String, AtomicInteger> failOpenActive = new ConcurrentHashMap<>();
  private Runnable beforeScrape = () -> {};
  /**
   * The meters recorded per request, by name and tag values: Micrometer's builder and registry lookup (tags sorted,
   * an id hashed and compared) cost more than the recording itself, on an event loop. Never removed, like the
   * registry's own meters.
   */
  private final Map<MeterKey, Meter> perRequest = new ConcurrentHashMap<>();

  public GatewayMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    // The registry's clock, not the JVM's: the wall clock is read at the root only (ArchitectureTest).
    configReloadOkAtMs.set(registry.config().clock().wallTime());
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    BuildInfo build = BuildInfo.current();
    Gauge.builder("ideogate.build.info", () -> 1).description("Always 1: the version and git commit running")
        .tags("version", build.version(), "commit", build.commit()).register(registry);
    gauge("ideogate.config.last.reload.successful",
        "1 when the config file last read was valid (or applied), 0 while it is invalid and the old one runs",
        new String[0], configReloadOk);
    Gauge.builder("ideogate.config.last.reload.success.timestamp", configReloadOkAtMs, ms -> ms.get() / 1000.0)
        .description("Unix time (seconds) of the last config load or reload that succeeded").baseUnit("seconds")
        .register(registry);
    Metrics.globalRegistry.add(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** One finished client request: {@code code} is "ok" for a success, else the ARCHITECTURE.md §6 code. */
  public void request(String team, String endpoint, String code, long durationNanos) {
    String teamLabel = team == null ? NO_TEAM : team;
    counter("ideogate.requests", "Client requests by team, endpoint and outcome code",
        "team", teamLabel, "endpoint", endpoint, "code", code).increment();
    timer("ideogate.request.duration", "Time from arrival to the end of the response", REQUEST_BUCKETS,
        "team", teamLabel, "endpoint", endpoint).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(String name, String description, String... tags) {
    return cached(name, tags, () -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private Timer timer(String name, String description, Duration[] buckets, String... tags) {
    return cached(name, tags, () -> Timer.builder(name).description(description).tags(tags)
        .serviceLevelObjectives(buckets).register(registry));
  }

  /** The meter of {@code name} and {@code tags}, registered once: a map read per request, not a registry lookup. */
  @SuppressWarnings("unchecked")
  private <M extends Meter> M cached(String name, String[] tags, java.util.function.Supplier<M> register) {
    MeterKey key = new MeterKey(name, tags);
    Meter meter = perRequest.get(key);
    if (meter == null) {
      meter = perRequest.computeIfAbsent(key, k -> register.get());
    }
    return (M) meter;
  }

  /**
   * A meter's name and tag values as a map key, compared element by element: a {@code List} key walked an iterator
   * per comparison, which showed in the in-memory profile (docs/performance.md).
   */
  private static final class MeterKey {
    private final String name;
    private final String[] tags;
    private final int hash;

    MeterKey(String name, String[] tags) {
      this.name = name;
      this.tags = tags;
      this.hash = 31 * name.hashCode() + Arrays.hashCode(tags);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof MeterKey that && hash == that.hash && name.equals(that.name)
          && Arrays.equals(tags, that.tags);
    }
  }

  /**
   * Money charged (settled), by team and model: a counter that only grows, so {@code increase()} over any range
   * gives the spend of that range across restarts and windows (the budget gauges show the current windows only).
   */
  public void spent(String team, String model, long microUsd) {
    if (microUsd <= 0 || team == null) {
      return;
    }
    counter("ideogate.spend.usd", "USD charged for images, by team and model (settled cost)",
        "team", team, "model", model == null ? "unknown" : model).increment(microUsd / 1_000_000.0);
  }

  @Override
  public void upstreamCall(String endpoint, int status, long durationNanos) {
    timer("ideogate.upstream.duration", "Time from sending a request to Ideogram to its answer, per attempt, by"
        + " endpoint and status (0: no answer: timeout or connection error)", REQUEST_BUCKETS,
        "endpoint", endpoint, "status", Integer.toString(status)).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  /** A changed config file was applied (or is valid again): {@code ok}; rejected as invalid: not {@code ok}. */
  public void configReload(boolean ok) {
    Counter.builder("ideogate.config.reloads")
        .description("Config file changes seen: applied (success) or rejected as invalid (failure)")
        .tags("result", ok ? "success" : "failure")
        .register(registry)
        .increment();
    configReloadOk.set(ok ? 1 : 0);
    if (ok) {
      configReloadOkAtMs.set(registry.config().clock().wallTime());
    }
  }

  /** What a {@link ConfigWatcher} reports, as {@link #configReload} figures. */
  public ConfigWatcher.Outcomes configOutcomes() {
    return new ConfigWatcher.Outcomes() {
      @Override
      public void applied() {
        configReload(true);
      }

      @Override
      public void rejected() {
        configReload(false);
      }
    };
  }

  /** Webhook deliveries of this replica's worker, read from its counters at each scrape. */
  public void webhookDeliveries(DeliveryStats stats) {
    deliveries(stats, "delivered", s -> s.delivered.get());
    deliveries(stats, "failed", s -> s.failedAttempts.get());
    deliveries(stats, "dead_lettered", s -> s.deadLettered.get());
    deliveries(stats, "duplicate_skipped", s -> s.duplicatesSkipped.get());
    FunctionCounter.builder("ideogate.webhook.dead.letters", stats, s -> s.deadLettered.get())
        .description("Webhook deliveries given up after their last attempt (kept for the admin to replay)")
        .register(registry);
  }

  private void deliveries(DeliveryStats stats, String outcome, ToDoubleFunction<DeliveryStats> count) {
    FunctionCounter.builder("ideogate.webhook.deliveries", stats, count)
        .description("Webhook delivery attempts by outcome: delivered (2xx), failed (will retry), dead_lettered, "
            + "duplicate_skipped")
        .tags("outcome", outcome)
        .register(registry);
  }

  /** Leaves the global registry and stops the GC listener (the gateway stopped). */
  @Override
  public void close() {
    Metrics.globalRegistry.remove(registry);
    gcMetrics.close();
  }

  @Override
  public void upstreamResponse(String lane, int status) {
    counter("ideogate.upstream.responses", "Answers from Ideogram by lane (upstream key fingerprint) and HTTP status",
        "lane", lane, "status", Integer.toString(status)).increment();
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
    timer("ideogate.queue.wait", "Time a request waited in its lane's queue before its first dispatch",
        QUEUE_BUCKETS, "team", team).record(queueWaitMs, TimeUnit.MILLISECONDS);
  }

  /** Sets a lane's in-flight count and effective (AIMD) limit, registering its gauges on first sight. */
  public void updateLane(String lane, int inFlight, int limit) {
    laneInFlight.computeIfAbsent(lane, l -> gauge("ideogate.upstream.inflight",
        "Requests in flight to Ideogram on the lane across all replicas (the shared permit store's count; this "
            + "replica's own count when Redis is off)", new String[] {"lane", l})).set(inFlight);
    laneLimit.computeIfAbsent(lane, l -> gauge("ideogate.lane.limit",
        "Effective in-flight limit of the lane (AIMD, at most upstream.maxInFlightPerKey)",
        new String[] {"lane", l})).set(limit);
  }

  public void updateQueueDepth(String lane, String team, int depth) {
    queueDepth.computeIfAbsent(lane + '\n' + team, k -> gauge("ideogate.queue.depth",
        "Requests of the team waiting in the lane's queue on this replica",
        new String[] {"lane", lane, "team", team})).set(depth);
  }

  /**
   * The replica's buffered request bodies (ARCHITECTURE.md §11, memory): {@code ideogate_buffered_body_bytes} and
   * {@code ideogate_buffered_body_uploads}, read at each scrape.
   */
  public void bufferedBodies(LongSupplier bytes, IntSupplier uploads) {
    Gauge.builder("ideogate.buffered.body.bytes", bytes, b -> b.getAsLong())
        .description("Bytes of client request bodies held in memory on this replica (cap server.maxBufferedBodyBytes)")
        .strongReference(true).register(registry);
    Gauge.builder("ideogate.buffered.body.uploads", uploads, u -> u.getAsInt())
        .description("Uploads (bodies over 64 KiB) held on this replica, every key (per-key cap "
            + "server.maxConcurrentUploadsPerKey)")
        .strongReference(true).register(registry);
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
    return gauge(name, description, tags, new AtomicInteger());
  }

  private AtomicInteger gauge(String name, String description, String[] tags, AtomicInteger value) {
    Gauge.builder(name, value, AtomicInteger::get).description(description).tags(tags).strongReference(true)
        .register(registry);
    return value;
  }

  private static Duration[] seconds(double... bounds) {
    Duration[] durations = new Duration[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
    }
    return durations;
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
