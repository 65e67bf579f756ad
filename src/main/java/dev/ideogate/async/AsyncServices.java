package dev.ideogate.async;

import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.upstream.GenerationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Async generations and webhooks of one replica (issue 10), over the stores the composition root chose (Redis when
 * configured, else in memory for a single replica): the JWKS cache, the settler, the reconciler, the delivery
 * worker and the budget alerts; The routes over them (callback, poll, {@code /admin/webhooks}, the async generate routes) live in the ingress.
 */
public final class AsyncServices {
  /** Where Ideogram calls the gateway back (mounted by the ingress). */
  public static final String CALLBACK_PATH = "/v1/ideogate/callbacks/ideogram";
  private static final Logger LOG = LoggerFactory.getLogger(AsyncServices.class);
  private final AsyncSettings timing;
  private final AsyncStore store;
  private final DeliveryQueue deliveries;
  private final GenerationClient upstream;
  private final JwksCache jwks;
  private final BudgetAlerts alerts;
  private final GenerationSettler settler;
  private final Reconciler reconciler;
  private final DeliveryWorker worker;
  private final DeliveryStats stats;
  private final String callbackUrl;
  private final Clock clock;

  /**
   * @param store, deliveries the stores chosen by the composition root (Redis or memory), not closed here
   * @param stats the counters {@code deliveries} reports to
   * @param replica this replica's name in the delivery queue and reconciler claims
   * @param dispatcher the lanes the reconciler's polls go through
   */
  public AsyncServices(Vertx vertx, GatewayConfig config, Supplier<GatewayConfig> currentConfig, BudgetLedger ledger,
      AsyncStore store, DeliveryQueue deliveries, DeliveryStats stats, String replica, Clock clock,
      AsyncSettings timing, DispatcherVerticle dispatcher) {
    this.timing = timing;
    this.store = store;
    this.deliveries = deliveries;
    this.stats = stats;
    this.clock = clock;
    this.upstream = new GenerationClient(vertx, config.upstream().baseUrl(), 10_000);
    this.jwks = new JwksCache(upstream, 1_000, 600_000); // a withdrawn key stops verifying within 10 min
    this.alerts = new BudgetAlerts(vertx, ledger, store, deliveries, currentConfig, clock, timing.alertScanMs());
    this.settler = new GenerationSettler(store, ledger, deliveries, currentConfig, alerts, clock::millis);
    this.reconciler = new Reconciler(vertx, store, dispatcher, settler, currentConfig, timing, replica, clock);
    this.worker = new DeliveryWorker(vertx, deliveries, id -> currentConfig.get().team(id), timing, stats, clock,
        () -> currentConfig.get().environment());
    String base = config.server().publicBaseUrl();
    this.callbackUrl = base == null || base.isBlank() ? ""
        : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH;
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
    return Future.succeededFuture();
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

  public Clock clock() {
    return clock;
  }

  public JwksCache jwks() {
    return jwks;
  }

  public GenerationSettler settler() {
    return settler;
  }

  /** The client for Ideogram's generation routes (status polls). */
  public GenerationClient upstream() {
    return upstream;
  }
}
