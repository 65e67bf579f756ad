package dev.ideogate.async;

import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.RedisConnector;
import dev.ideogate.budget.RedisSettings;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.ingress.AuthHandler;
import dev.ideogate.ingress.BodyReader;
import dev.ideogate.ingress.ErrorCode;
import dev.ideogate.ingress.GatewayException;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.GenerationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Async generations and webhooks of one replica (issue 10), built from the config: the stores (Redis when
 * configured, else in memory for a single replica), the JWKS cache, the settler, the reconciler, the delivery
 * worker and the budget alerts; plus the routes they add to the client port (callback, poll) and to the management
 * port ({@code /admin/webhooks}). The async generate routes themselves are {@code ingress.AsyncImageHandler}.
 */
public final class AsyncServices {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncServices.class);
  private static final long CALLBACK_MAX_BYTES = 1 << 20;

  private final Supplier<GatewaySettings> settings;
  private final AsyncSettings timing;
  private final RedisConnector redis;
  private final AsyncStore store;
  private final DeliveryQueue deliveries;
  private final GenerationClient upstream;
  private final JwksCache jwks;
  private final BudgetAlerts alerts;
  private final GenerationSettler settler;
  private final Reconciler reconciler;
  private final DeliveryWorker worker;
  private final CallbackHandler callbacks;
  private final DeliveryStats stats = new DeliveryStats();
  private final String callbackUrl;

  public AsyncServices(Vertx vertx, GatewayConfig config, Supplier<GatewaySettings> settings, BudgetLedger ledger,
      Clock clock, AsyncSettings timing) {
    this.settings = settings;
    this.timing = timing;
    String replica = "replica-" + UUID.randomUUID();
    if (config.redis().enabled()) {
      this.redis = new RedisConnector(vertx, RedisSettings.of(config.redis()));
      this.store = new RedisAsyncStore(redis, config.redis().keyPrefix(), timing.recordTtlMs());
      this.deliveries = new RedisDeliveryQueue(redis, config.redis().keyPrefix(), replica, timing.reclaimIdleMs(),
          stats);
    } else {
      this.redis = null;
      this.store = new InMemoryAsyncStore(clock::millis, timing.recordTtlMs());
      this.deliveries = new InMemoryDeliveryQueue(clock::millis);
    }
    this.upstream = new GenerationClient(vertx, config.upstream().baseUrl(), 10_000);
    this.jwks = new JwksCache(upstream, 1_000);
    this.alerts = new BudgetAlerts(vertx, ledger, store, deliveries, settings, clock, timing.alertScanMs());
    this.settler = new GenerationSettler(store, ledger, deliveries, settings, alerts, clock::millis);
    this.reconciler = new Reconciler(vertx, store, upstream, settler, settings, timing, replica);
    this.worker = new DeliveryWorker(vertx, deliveries, id -> settings.get().config().team(id), timing, stats);
    this.callbacks = new CallbackHandler(jwks, store, settler, timing.replayWindowS());
    String base = config.server().publicBaseUrl();
    this.callbackUrl = base == null || base.isBlank() ? ""
        : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CallbackHandler.PATH;
    if (callbackUrl.isEmpty()) {
      LOG.warn("server.publicBaseUrl is not set: Ideogram cannot call the gateway back, so async generations settle"
          + " by polling only (after {} ms)", timing.reconcileAfterMs());
    }
  }

  public void start() {
    reconciler.start();
    worker.start();
    alerts.start();
  }

  public Future<Void> stop() {
    reconciler.stop();
    worker.stop();
    alerts.stop();
    upstream.close();
    return redis == null ? Future.succeededFuture() : redis.close();
  }

  /** Callback (no client key: signed by Ideogram) and poll (scope images:generate) on the client port. */
  public void mountClientRoutes(Router router) {
    router.route(CallbackHandler.PATH)
        .handler(ctx -> only(ctx, HttpMethod.POST))
        .handler(new BodyReader(CALLBACK_MAX_BYTES, 10_000))
        .handler(callbacks);
    router.route("/v1/generations/:id")
        .handler(ctx -> only(ctx, HttpMethod.GET))
        .handler(new AuthHandler(settings, Endpoint.Scope.GENERATE))
        .handler(new GenerationPollHandler(settings, store, upstream, settler));
  }

  /** {@code GET /admin/webhooks} (scope admin): queue depth, this replica's counters, the newest dead letters. */
  public void mountManagementRoutes(Router router) {
    router.get("/admin/webhooks")
        .handler(new AuthHandler(settings, Endpoint.Scope.ADMIN))
        .handler(ctx -> Future.all(deliveries.depth(), deliveries.deadLetters(100))
            .onSuccess(all -> ctx.json(new JsonObject()
                .put("queue", all.<JsonObject>resultAt(0))
                .put("replica", new JsonObject().put("delivered", stats.delivered.get())
                    .put("attempts", stats.attempts.get()).put("failed_attempts", stats.failedAttempts.get())
                    .put("dead_lettered", stats.deadLettered.get()))
                .put("dead_letters", new JsonArray(all.<java.util.List<Object>>resultAt(1)))))
            .onFailure(e -> ctx.fail(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
                "the webhook store did not answer", 1L))));
  }

  private static void only(RoutingContext ctx, HttpMethod method) {
    if (ctx.request().method() != method) {
      ctx.response().putHeader("Allow", method.name());
      ctx.fail(new GatewayException(ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method().name()
          + " is not allowed here; use " + method.name()));
      return;
    }
    ctx.next();
  }

  public AsyncSettings timing() {
    return timing;
  }

  public AsyncStore store() {
    return store;
  }

  /** The URL Ideogram calls back, empty when server.publicBaseUrl is not set. */
  public String callbackUrl() {
    return callbackUrl;
  }

  public DeliveryStats deliveryStats() {
    return stats;
  }

  public DeliveryQueue deliveries() {
    return deliveries;
  }

  public BudgetAlerts alerts() {
    return alerts;
  }

  public Reconciler reconciler() {
    return reconciler;
  }

  public CallbackHandler callbacks() {
    return callbacks;
  }
}
