package dev.ideogate;

import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.InMemoryBudgetLedger;
import dev.ideogate.budget.RedisBudgetLedger;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.dispatch.DispatchEvents;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.dispatch.LaneSettings;
import dev.ideogate.dispatch.LocalPermitStore;
import dev.ideogate.dispatch.PermitStore;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ingress.IngressVerticle;
import dev.ideogate.ops.ManagementVerticle;
import dev.ideogate.ops.SecretMasker;
import dev.ideogate.upstream.IdeogramClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.ThreadingModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import io.vertx.core.Promise;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The composition root: builds the stores from config, deploys the dispatcher, the ingress instances (one per
 * event loop) and the management port, and stops them in order. Tests start as many gateways as they need, each
 * on its own {@link Vertx}, to play several replicas.
 */
public final class Gateway {
  private final Vertx vertx;
  private final AtomicReference<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final PermitStore permits;
  private final DispatcherVerticle dispatcher;
  private final Clock clock;
  private final KeySecurity keySecurity;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger active = new AtomicInteger();
  private final List<String> deployments = new ArrayList<>();
  private int port;
  private int managementPort;

  /** What a caller may choose besides the config: the clock (tests move days) and the number of ingress loops. */
  public record Options(Clock clock, int ingressInstances) {
    public static Options defaults() {
      return new Options(Clock.systemUTC(), Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }
  }

  private Gateway(Vertx vertx, GatewayConfig config, Options options) {
    this.vertx = vertx;
    config.teams().values().forEach(team -> SecretMasker.register(team.upstreamKey()));
    this.settings = new AtomicReference<>(GatewaySettings.compile(config, options.clock(), Set.of()));
    this.clock = options.clock();
    this.keySecurity = KeySecurity.create(vertx, config, options.clock());
    this.ledger = config.redis().enabled()
        ? RedisBudgetLedger.create(vertx, config.redis())
        : new InMemoryBudgetLedger(System::currentTimeMillis, config.redis().holdLease().toMillis());
    this.permits = new LocalPermitStore();
    var upstream = config.upstream();
    LaneSettings lanes = new LaneSettings(upstream.maxInFlightPerKey(), upstream.retry().maxAttempts(),
        upstream.retry().baseDelay().toMillis(), upstream.retry().maxDelay().toMillis(), 0, 1_000);
    int connections = Math.max(16, upstream.maxInFlightPerKey() * Math.max(1, config.teams().size()));
    this.dispatcher = new DispatcherVerticle(permits, lanes,
        v -> new IdeogramClient(v, upstream.baseUrl(), upstream.timeout(), connections), DispatchEvents.NONE);
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, Options options) {
    Gateway gateway = new Gateway(vertx, config, options);
    return gateway.deploy(config, options).map(v -> gateway);
  }

  private Future<Void> deploy(GatewayConfig config, Options options) {
    port = config.server().port() == 0 ? freePort() : config.server().port();
    managementPort = config.server().managementPort() == 0 ? freePort() : config.server().managementPort();
    return vertx.deployVerticle(dispatcher, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP))
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(
              () -> new IngressVerticle(settings::get, ledger, dispatcher, options.clock(), draining::get,
                  this::countActive, port, keySecurity.guards()),
              new DeploymentOptions().setInstances(options.ingressInstances()));
        })
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new ManagementVerticle(settings::get, ledger, options.clock(), draining::get,
              managementPort, keySecurity.adminRoutes(settings::get)));
        })
        .compose(id -> {
          deployments.add(id);
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

  private void countActive(RoutingContext ctx) {
    active.incrementAndGet();
    ctx.addEndHandler(v -> active.decrementAndGet());
    ctx.next();
  }

  /** Requests being served right now (from arrival to response end). */
  public int activeRequests() {
    return active.get();
  }

  /**
   * Graceful drain: readiness turns false and new requests get 503 shutting_down at once; queued and in-flight
   * requests finish (their holds settled or released, permits returned) for up to {@code grace}; then stop.
   */
  public Future<Void> drainAndStop(Duration grace) {
    draining.set(true);
    long deadline = System.currentTimeMillis() + grace.toMillis();
    Promise<Void> idle = Promise.promise();
    vertx.setPeriodic(50, id -> {
      boolean lanesIdle = dispatcher.lanes().stream().allMatch(l -> l.inFlight() == 0 && l.queued() == 0);
      if (active.get() == 0 && lanesIdle || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        idle.tryComplete();
      }
    });
    return idle.future().compose(v -> stop());
  }

  public boolean draining() {
    return draining.get();
  }

  /** Undeploys everything, newest first. */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return chain.compose(v -> ledger.close()).compose(v -> permits.close()).compose(v -> keySecurity.close());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on loopback", e);
    }
  }
}
