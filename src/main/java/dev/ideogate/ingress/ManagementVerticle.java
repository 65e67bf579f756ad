package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The management port: probes, metrics and the admin reports. Kept off the client port so that a NetworkPolicy
 * can open it to the monitoring namespace only.
 */
public final class ManagementVerticle extends VerticleBase {
  private final Supplier<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final Clock clock;
  private final BooleanSupplier draining;
  private final int port;
  private final OpsRoutes ops;
  private final Consumer<Router> extraRoutes;

  /**
   * @param ops metrics, probes and admin audit of this gateway
   * @param extraRoutes mounts more admin routes (e.g. {@code /admin/webhooks}) before the 404
   */
  public ManagementVerticle(Supplier<GatewaySettings> settings, BudgetLedger ledger, Clock clock,
      BooleanSupplier draining, int port, OpsRoutes ops, Consumer<Router> extraRoutes) {
    this.ops = ops;
    this.extraRoutes = extraRoutes;
    this.settings = settings;
    this.ledger = ledger;
    this.clock = clock;
    this.draining = draining;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIdHandler());
    router.get("/health/live").handler(Probes.liveness(vertx, ops.dispatcherPing(), ops.clientLoopsPing()));
    router.get("/health/ready").handler(Probes.readiness(vertx, settings, ledger, draining, ops.dispatcherPing(),
        ops.clientLoopsPing()));
    router.get("/metrics").handler(ops.metrics());
    router.route("/admin/*").handler(ops.adminAudit());
    router.get("/admin/usage")
        .handler(new AuthHandler(settings, Endpoint.Scope.ADMIN))
        .handler(new UsageHandler(settings, ledger, clock, true));
    extraRoutes.accept(router);
    router.route().last().handler(ctx -> ctx.fail(new GatewayException(ErrorCode.NOT_FOUND,
        "no such management route; try /health/live, /health/ready, /metrics, /admin/usage, /admin/keys")));
    router.route().failureHandler(new ErrorRenderer());
    var serverConfig = settings.get().config().server();
    return HardenedServer.listen(vertx, new HttpServerOptions().setPort(port).setHost(serverConfig.host())
            .setMaxHeaderSize(serverConfig.maxHeaderBytes()), serverConfig, router, null);
  }
}
