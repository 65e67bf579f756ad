package dev.ideogate;

import dev.ideogate.async.AsyncServices;
import dev.ideogate.async.AsyncSettings;
import dev.ideogate.async.Delivery;
import dev.ideogate.batch.Batch;
import dev.ideogate.batch.BatchServices;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.dashboard.Dashboard;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.dispatch.LaneSettings;
import dev.ideogate.ingress.AsyncRoutes;
import dev.ideogate.ingress.BatchLineExecutor;
import dev.ideogate.ingress.BatchRoutes;
import dev.ideogate.ingress.BufferedBodies;
import dev.ideogate.ingress.ClientEventLoops;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ingress.IngressVerticle;
import dev.ideogate.ingress.KeyAdminRoutes;
import dev.ideogate.ingress.ManagementVerticle;
import dev.ideogate.ingress.OpsRoutes;
import dev.ideogate.ingress.RequestIdHandler;
import dev.ideogate.ingress.RequestObserver;
import dev.ideogate.ops.BatchReporting;
import dev.ideogate.ops.BudgetGauges;
import dev.ideogate.ops.GatewayMetrics;
import dev.ideogate.ops.LaneGauges;
import dev.ideogate.tracing.Tracing;
import dev.ideogate.upstream.IdeogramClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the stores from config ({@link Stores}), deploys the dispatcher, the ingress instances (one per
 * event loop) and the management port, and stops them in order. Tests start as many gateways as they need, each
 * on its own {@link Vertx}, to play several replicas.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** How often the budget gauges re-read the ledger (Redis): fresh enough for a dashboard, cheap for Redis. */
  static final long BUDGET_GAUGE_PERIOD_MS = 5_000;
  static final long LANE_GAUGE_PERIOD_MS = 1_000;
  private final Vertx vertx;
  private final ConfigReload settings;
  private final Stores stores;
  private final DispatcherVerticle dispatcher;
  private final AsyncServices async;
  private final AsyncRoutes asyncRoutes;
  private final BufferedBodies bodies;
  private final GracefulDrain drain;
  private final BatchServices batches;
  private final BatchLineExecutor batchLines;
  private final BatchRoutes batchRoutes;
  private final List<String> deployments = new ArrayList<>();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final ClientEventLoops clientLoops = new ClientEventLoops();
  private final BudgetGauges budgetGauges;
  private final RequestObserver requestObserver;
  private long budgetGaugeTimer = -1;
  private long laneGaugeTimer = -1;
  private final LaneGauges laneGauges;
  private final Tracing tracing;
  private final boolean ownsTracing;
  private int port;
  private int managementPort;

  /**
   * What a caller may choose besides the config: the clock (tests move days), the number of ingress loops, and
   * the timing of async generations and webhooks (tests scale it down).
   */
  public record Options(Clock clock, int ingressInstances, AsyncSettings async, Tracing tracing) {
    public Options(Clock clock, int ingressInstances) {
      this(clock, ingressInstances, AsyncSettings.defaults());
    }

    /** Traces as the config's {@code tracing:} section says. */
    public Options(Clock clock, int ingressInstances, AsyncSettings async) {
      this(clock, ingressInstances, async, null);
    }

    /** Traces recorded by the caller's {@link Tracing} (tests: an in-memory exporter), whatever the config says. */
    public Options withTracing(Tracing tracing) {
      return new Options(clock, ingressInstances, async, tracing);
    }

    public static Options defaults() {
      return new Options(Clock.systemUTC(), Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    public Options withAsync(AsyncSettings settings) {
      return new Options(clock, ingressInstances, settings, tracing);
    }
  }

  private Gateway(Vertx vertx, GatewayConfig config, Options options) {
    this.vertx = vertx;
    this.ownsTracing = options.tracing() == null;
    this.tracing = ownsTracing ? Tracing.fromConfig(config.tracing()) : options.tracing();
    this.settings = new ConfigReload(config, options.clock());
    this.stores = Stores.create(vertx, config, options.clock(), options.async(), metrics);
    stores.reapHoldsOf(() -> settings.config().teams().keySet());
    var upstream = config.upstream();
    LaneSettings lanes = new LaneSettings(upstream.maxInFlightPerKey(), upstream.retry().maxAttempts(),
        upstream.retry().baseDelay().toMillis(), upstream.retry().maxDelay().toMillis(), stores.permitHeartbeatMs(),
        1_000);
    int connections = Math.max(16, upstream.maxInFlightPerKey() * Math.max(1, config.teams().size()));
    this.dispatcher = new DispatcherVerticle(stores.permits(), lanes,
        v -> new IdeogramClient(v, upstream.baseUrl(), upstream.timeout(), connections), metrics,
        options.clock());
    this.drain = new GracefulDrain(vertx, dispatcher);
    this.budgetGauges = new BudgetGauges(metrics.registry(), settings::config, stores.ledger(), options.clock());
    settings.afterReload(budgetGauges::refresh);
    this.requestObserver = new RequestObserver(settings::current, metrics);
    this.laneGauges = new LaneGauges(metrics, dispatcher, settings::config);
    metrics.beforeScrape(laneGauges::refresh);
    this.async = new AsyncServices(vertx, config, settings::config, stores.ledger(), stores.asyncStore(),
        stores.deliveries(), stores.deliveryStats(), stores.replica(), options.clock(), options.async(), dispatcher);
    this.bodies = new BufferedBodies(config.server().maxBufferedBodyBytes(), config.server().maxConcurrentUploadsPerKey());
    metrics.bufferedBodies(bodies::bytes, bodies::uploads);
    this.asyncRoutes = new AsyncRoutes(settings::current, async, bodies);
    async.alerts().onFired(metrics::budgetAlert);
    metrics.webhookDeliveries(async.deliveryStats());
    this.batches = new BatchServices(vertx, stores.batches(), BatchServices.objectStore(vertx, config.batches()),
        config.batches(), options.clock());
    this.batchLines = new BatchLineExecutor(vertx, settings::current, stores.ledger(), dispatcher,
        stores.rateLimits(), options.clock());
    this.batchRoutes = new BatchRoutes(settings::current, batches.store(), batches.objects(), batches.urls(),
        batchLines, stores.rateLimits(), options.clock());
  }

  /**
   * The options of the {@code Vertx} a gateway runs on ({@code ideogate serve}, and the benchmark's gateways):
   * Netty's native epoll transport where it loads (Linux), NIO elsewhere.
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(true);
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
              () -> new IngressVerticle(settings::current, stores.ledger(), dispatcher, options.clock(),
                  drain::draining, this::countActive, port, stores.guards(), async, asyncRoutes, clientLoops, bodies,
                  batchRoutes),
              new DeploymentOptions().setInstances(options.ingressInstances()));
        })
        .compose(id -> {
          deployments.add(id);
          OpsRoutes ops = new OpsRoutes(metrics.scrapeHandler(), dispatcher::ping, clientLoops::ping,
              requestObserver::auditAdmin);
          KeyAdminRoutes keyAdmin = stores.adminRoutes(settings::current);
          Dashboard dashboard = new Dashboard(settings::current, stores.ledger(), options.clock(), keyAdmin,
              async.deliveries(), dispatcher, metrics.registry(), stores.sessions(),
              stores.replicas(), stores.rateLimits(), batchRoutes);
          return vertx.deployVerticle(new ManagementVerticle(settings::current, stores.ledger(), options.clock(),
              drain::draining, managementPort, ops, router -> {
                keyAdmin.mount(router);
                asyncRoutes.mountManagementRoutes(router);
                dashboard.mount(router);
              }));
        })
        .compose(id -> {
          deployments.add(id);
          budgetGaugeTimer = vertx.setPeriodic(1, BUDGET_GAUGE_PERIOD_MS, t -> budgetGauges.refresh());
          laneGaugeTimer = vertx.setPeriodic(1, LANE_GAUGE_PERIOD_MS, t -> laneGauges.poll());
          async.start();
          batches.start(batchLines, new BatchReporting(metrics.registry(), this::batchFinished));
          stores.replicas().start();
          return stores.revocations().start(this::applyRevoked);
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
    return stores.ledger();
  }

  /** Every store of this gateway, Redis or memory, chosen once. */
  public Stores stores() {
    return stores;
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
    return settings.current();
  }

  /**
   * Swaps in settings that refuse exactly these key ids (emergency revocation); the config stays as it is. A config
   * reload must keep them: compile with {@code settings().clientKeys().revoked()}.
   */
  public void applyRevoked(Set<String> revokedKeyIds) {
    settings.applyRevoked(revokedKeyIds);
  }

  /** Revokes a key on every replica (what {@code POST /admin/keys/{id}/revoke} does, without the audit line). */
  public Future<Void> revoke(String keyId) {
    return stores.revocations().revoke(keyId);
  }

  /** The ingress observer: counts the request as active until its end, and records it in metrics and audit. */
  private void countActive(RoutingContext ctx) {
    tracing.startServerSpan(ctx, ctx.get(RequestIdHandler.KEY));
    drain.track(ctx);
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

  /** Applies a new, already validated config without a restart ({@link ConfigReload}, ARCHITECTURE.md §4). */
  public void reload(GatewayConfig next) {
    settings.apply(next);
  }

  /** Batch jobs of this replica (issue 18). */
  public BatchServices batches() {
    return batches;
  }

  /** A finished batch with a completion webhook: one signed delivery, like an async result (ARCHITECTURE.md §13). */
  private void batchFinished(Batch batch) {
    if (batch.webhookUrl().isEmpty()) {
      return;
    }
    long now = stores.clock().millis();
    String body = batch.toJson(now).put("event", "batch.completed").encode();
    async.deliveries().enqueue(Delivery.first("dlv_batch_" + batch.id(), batch.team(), batch.webhookUrl(),
            "batch.completed", body, now))
        .onFailure(e -> LOG.warn("completion webhook of batch {} not enqueued: {}", batch.id(), e.toString()));
  }

  /** Graceful drain ({@link GracefulDrain}) for up to {@code grace}, then stop. */
  public Future<Void> drainAndStop(Duration grace) {
    batches.stopClaiming();
    return drain.idle(grace).compose(v -> stop());
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
    return chain.compose(v -> batches.close()).compose(v -> async.stop()).compose(v -> stores.close())
        .compose(v -> ownsTracing ? tracing.close(vertx) : Future.succeededFuture()).andThen(v -> metrics.close());
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
