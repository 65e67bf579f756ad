package dev.ideogate;

import dev.ideogate.api.SecretMasker;
import dev.ideogate.async.AsyncServices;
import dev.ideogate.async.AsyncSettings;
import dev.ideogate.async.Delivery;
import dev.ideogate.batch.Batch;
import dev.ideogate.batch.BatchServices;
import dev.ideogate.batch.DirectoryObjectStore;
import dev.ideogate.batch.BatchStore;
import dev.ideogate.batch.InMemoryBatchStore;
import dev.ideogate.batch.RedisBatchStore;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.InMemoryBudgetLedger;
import dev.ideogate.budget.RedisBudgetLedger;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.dispatch.LaneSettings;
import dev.ideogate.dispatch.LocalPermitStore;
import dev.ideogate.dispatch.PermitStore;
import dev.ideogate.dispatch.RedisPermitStore;
import dev.ideogate.ingress.AsyncRoutes;
import dev.ideogate.ingress.BatchLineExecutor;
import dev.ideogate.ingress.BatchRoutes;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ingress.IngressVerticle;
import dev.ideogate.ingress.ManagementVerticle;
import dev.ideogate.ingress.OpsRoutes;
import dev.ideogate.ingress.RequestObserver;
import dev.ideogate.ops.AuditLog;
import dev.ideogate.ops.BatchReporting;
import dev.ideogate.ops.BudgetGauges;
import dev.ideogate.ops.GatewayMetrics;
import dev.ideogate.ops.LaneGauges;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.upstream.IdeogramClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the stores from config, deploys the dispatcher, the ingress instances (one per
 * event loop) and the management port, and stops them in order. Tests start as many gateways as they need, each
 * on its own {@link Vertx}, to play several replicas.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** How often the budget gauges re-read the ledger (Redis): fresh enough for a dashboard, cheap for Redis. */
  static final long BUDGET_GAUGE_PERIOD_MS = 5_000;
  static final long LANE_GAUGE_PERIOD_MS = 1_000;
  private final Vertx vertx;
  private final AtomicReference<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final PermitStore permits;
  private final DispatcherVerticle dispatcher;
  private final AsyncServices async;
  private final AsyncRoutes asyncRoutes;
  private final BatchServices batches;
  private final RedisConnector batchRedis;
  private final BatchLineExecutor batchLines;
  private final BatchRoutes batchRoutes;
  private final Clock clock;
  private final KeySecurity keySecurity;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger active = new AtomicInteger();
  private final List<String> deployments = new ArrayList<>();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final BudgetGauges budgetGauges;
  private final RequestObserver requestObserver;
  private long budgetGaugeTimer = -1;
  private long laneGaugeTimer = -1;
  private final LaneGauges laneGauges;
  private int port;
  private int managementPort;

  /**
   * What a caller may choose besides the config: the clock (tests move days), the number of ingress loops, and
   * the timing of async generations and webhooks (tests scale it down).
   */
  public record Options(Clock clock, int ingressInstances, AsyncSettings async) {
    public Options(Clock clock, int ingressInstances) {
      this(clock, ingressInstances, AsyncSettings.defaults());
    }

    public static Options defaults() {
      return new Options(Clock.systemUTC(), Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    public Options withAsync(AsyncSettings settings) {
      return new Options(clock, ingressInstances, settings);
    }
  }

  private Gateway(Vertx vertx, GatewayConfig config, Options options) {
    this.vertx = vertx;
    this.clock = options.clock();
    config.teams().values().forEach(team -> SecretMasker.register(team.upstreamKey()));
    this.settings = new AtomicReference<>(GatewaySettings.compile(config, options.clock(), Set.of()));
    this.keySecurity = KeySecurity.create(vertx, config, options.clock());
    this.ledger = config.redis().enabled()
        ? RedisBudgetLedger.create(vertx, config.redis(), clock)
        : new InMemoryBudgetLedger(clock::millis, config.redis().holdLease().toMillis());
    var upstream = config.upstream();
    // Permits: Redis leases shared by every replica (renewed by heartbeat), else one replica's counters.
    this.permits = config.redis().enabled() ? RedisPermitStore.create(vertx, config) : new LocalPermitStore();
    long heartbeatMs = config.redis().enabled() ? upstream.permitHeartbeat().toMillis() : 0;
    LaneSettings lanes = new LaneSettings(upstream.maxInFlightPerKey(), upstream.retry().maxAttempts(),
        upstream.retry().baseDelay().toMillis(), upstream.retry().maxDelay().toMillis(), heartbeatMs, 1_000);
    int connections = Math.max(16, upstream.maxInFlightPerKey() * Math.max(1, config.teams().size()));
    this.dispatcher = new DispatcherVerticle(permits, lanes,
        v -> new IdeogramClient(v, upstream.baseUrl(), upstream.timeout(), connections), metrics, clock);
    this.budgetGauges = new BudgetGauges(metrics.registry(), () -> settings.get().config(), ledger, clock);
    this.requestObserver = new RequestObserver(settings::get, metrics);
    this.laneGauges = new LaneGauges(metrics, dispatcher, () -> settings.get().config());
    metrics.beforeScrape(laneGauges::refresh);
    this.async = new AsyncServices(vertx, config, () -> settings.get().config(), ledger, options.clock(),
        options.async());
    this.asyncRoutes = new AsyncRoutes(settings::get, async);
    async.alerts().onFired(metrics::budgetAlert);
    // Batches: in Redis, shared by every replica, else in memory (ARCHITECTURE.md §11).
    this.batchRedis = config.redis().enabled() ? new RedisConnector(vertx, RedisSettings.of(config.redis())) : null;
    BatchStore batchStore = batchRedis == null ? new InMemoryBatchStore()
        : new RedisBatchStore(batchRedis, RedisSettings.of(config.redis()).keyPrefix());
    this.batches = new BatchServices(vertx, batchStore,
        new DirectoryObjectStore(vertx, Path.of(config.batches().imageDir())), config.batches(), clock);
    this.batchLines = new BatchLineExecutor(vertx, settings::get, ledger, dispatcher,
        keySecurity.guards().rateLimits(), clock);
    this.batchRoutes = new BatchRoutes(settings::get, batches.store(), batches.objects(), batches.urls(), batchLines,
        keySecurity.guards().rateLimits(), clock);
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, Options options) {
    Gateway gateway = new Gateway(vertx, config, options);
    return gateway.deploy(config, options).map(v -> gateway);
  }

  private Future<Void> deploy(GatewayConfig config, Options options) {
    port = config.server().port() == 0 ? freePort(-1) : config.server().port();
    // Never the client port: two servers of one Vert.x on the same host and port would share it, round-robin.
    managementPort = config.server().managementPort() == 0 ? freePort(port) : config.server().managementPort();
    return vertx.deployVerticle(dispatcher, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP))
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(
              () -> new IngressVerticle(settings::get, ledger, dispatcher, options.clock(), draining::get,
                  this::countActive, port, keySecurity.guards(), async, asyncRoutes, batchRoutes),
              new DeploymentOptions().setInstances(options.ingressInstances()));
        })
        .compose(id -> {
          deployments.add(id);
          OpsRoutes ops = new OpsRoutes(metrics.scrapeHandler(), dispatcher::ping, requestObserver::auditAdmin);
          return vertx.deployVerticle(new ManagementVerticle(settings::get, ledger, options.clock(), draining::get,
              managementPort, ops, router -> {
                keySecurity.adminRoutes(settings::get).mount(router);
                asyncRoutes.mountManagementRoutes(router);
              }));
        })
        .compose(id -> {
          deployments.add(id);
          budgetGaugeTimer = vertx.setPeriodic(1, BUDGET_GAUGE_PERIOD_MS, t -> budgetGauges.refresh());
          laneGaugeTimer = vertx.setPeriodic(1, LANE_GAUGE_PERIOD_MS, t -> laneGauges.poll());
          async.start();
          batches.start(batchLines, new BatchReporting(metrics.registry(), this::batchFinished));
          return keySecurity.revocations().start(this::applyRevoked);
        });
  }

  /** Client port actually bound. */
  public int port() {
    return port;
  }

  public int managementPort() {
    return managementPort;
  }

  public BudgetLedger ledger() {
    return ledger;
  }

  /** Async generations and webhooks of this replica (issue 10). */
  public AsyncServices async() {
    return async;
  }

  /** The HTTP routes over {@link #async()}: callback and poll, and their counters. */
  public AsyncRoutes asyncRoutes() {
    return asyncRoutes;
  }

  public DispatcherVerticle dispatcher() {
    return dispatcher;
  }

  public GatewaySettings settings() {
    return settings.get();
  }

  /**
   * Swaps in settings that refuse exactly these key ids (emergency revocation); the config stays as it is. A config
   * reload must keep them: compile with {@code settings().clientKeys().revoked()}.
   */
  public void applyRevoked(Set<String> revokedKeyIds) {
    settings.updateAndGet(current -> GatewaySettings.compile(current.config(), clock, revokedKeyIds));
  }

  /** Revokes a key on every replica (what {@code POST /admin/keys/{id}/revoke} does, without the audit line). */
  public Future<Void> revoke(String keyId) {
    return keySecurity.revocations().revoke(keyId);
  }

  /** Batch jobs of this replica (issue 18). */
  public BatchServices batches() {
    return batches;
  }

  /** A finished batch with a completion webhook: one signed delivery, like an async result (ARCHITECTURE.md §11). */
  private void batchFinished(Batch batch) {
    if (batch.webhookUrl().isEmpty()) {
      return;
    }
    String body = batch.toJson(clock.millis()).put("event", "batch.completed").encode();
    async.deliveries().enqueue(Delivery.first("dlv_batch_" + batch.id(), batch.team(), batch.webhookUrl(),
            "batch.completed", body, clock.millis()))
        .onFailure(e -> LOG.warn("completion webhook of batch {} not enqueued: {}", batch.id(), e.toString()));
  }

  /** The ingress observer: counts the request as active until its end, and records it in metrics and audit. */
  private void countActive(RoutingContext ctx) {
    active.incrementAndGet();
    ctx.addEndHandler(v -> active.decrementAndGet());
    requestObserver.observe(ctx);
    ctx.next();
  }

  /** This gateway's own metrics (one registry per gateway). */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /** The budget gauges; {@code refresh()} reads the ledger now instead of waiting for the next period. */
  public BudgetGauges budgetGauges() {
    return budgetGauges;
  }

  /**
   * Applies a new, already validated config without a restart (ARCHITECTURE.md §4): teams, budgets, policies, client keys
   * and upstream keys take effect for the next request; a request in progress keeps the version it started with.
   * Server ports, Redis and upstream connection settings are fixed at start: a change there is logged and waits
   * for the next restart.
   */
  public void reload(GatewayConfig next) {
    GatewaySettings previous = settings.get();
    next.teams().values().forEach(team -> SecretMasker.register(team.upstreamKey()));
    settings.set(GatewaySettings.compile(next, clock, previous.clientKeys().revoked()));
    GatewayConfig old = previous.config();
    List<String> restartOnly = new ArrayList<>();
    if (!old.server().equals(next.server())) {
      restartOnly.add("server");
    }
    if (!old.redis().equals(next.redis())) {
      restartOnly.add("redis");
    }
    if (!old.upstream().equals(next.upstream())) {
      restartOnly.add("upstream");
    }
    if (!restartOnly.isEmpty()) {
      LOG.warn("config reloaded, but changes to {} take effect only after a restart", String.join(", ", restartOnly));
    }
    LOG.info("config reloaded: {} teams, {} client keys", next.teams().size(),
        next.teams().values().stream().mapToInt(t -> t.clientKeys().size()).sum());
    AuditLog.admin(null, "config.reload", null, "success", "ok", Map.of("teams", next.teams().size()));
    budgetGauges.refresh();
  }

  /**
   * Graceful drain: readiness turns false and new requests get 503 shutting_down at once; queued and in-flight
   * requests finish (their holds settled or released, permits returned) for up to {@code grace}; then stop.
   */
  public Future<Void> drainAndStop(Duration grace) {
    draining.set(true);
    batches.stopClaiming();
    long deadline = System.currentTimeMillis() + grace.toMillis();
    Promise<Void> idle = Promise.promise();
    vertx.setPeriodic(50, id -> {
      boolean lanesIdle = dispatcher.lanes().stream().allMatch(l -> l.inFlight() == 0 && l.queued() == 0);
      if (active.get() == 0 && lanesIdle && batches.running() == 0 || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        idle.tryComplete();
      }
    });
    return idle.future().compose(v -> stop());
  }

  /** Undeploys everything, newest first. */
  public Future<Void> stop() {
    if (laneGaugeTimer >= 0) {
      vertx.cancelTimer(laneGaugeTimer);
    }
    if (budgetGaugeTimer >= 0) {
      vertx.cancelTimer(budgetGaugeTimer);
    }
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    batches.stopClaiming();
    return chain.compose(v -> batches.close())
        .compose(v -> batchRedis == null ? Future.succeededFuture() : batchRedis.close()).compose(v -> async.stop()).compose(v -> ledger.close()).compose(v -> permits.close())
        .compose(v -> keySecurity.close());
  }

  /** A port free right now on this host, other than {@code taken}. */
  private static int freePort(int taken) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        if (socket.getLocalPort() != taken) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new IllegalStateException("no free port on loopback", e);
      }
    }
    throw new IllegalStateException("no free port on loopback other than " + taken);
  }
}
