package dev.ideogate.ops;

import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.ingress.AuthHandler;
import dev.ideogate.ingress.ErrorRenderer;
import dev.ideogate.ingress.GatewayException;
import dev.ideogate.ingress.ErrorCode;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ingress.HardenedServer;
import dev.ideogate.ingress.RequestIdHandler;
import dev.ideogate.ingress.UsageHandler;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.function.BooleanSupplier;
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
  private final KeyAdminRoutes keyAdmin;
  private HttpServer server;

  public ManagementVerticle(Supplier<GatewaySettings> settings, BudgetLedger ledger, Clock clock,
      BooleanSupplier draining, int port) {
    this(settings, ledger, clock, draining, port, null);
  }

  /** @param keyAdmin {@code /admin/keys} routes; null = none */
  public ManagementVerticle(Supplier<GatewaySettings> settings, BudgetLedger ledger, Clock clock,
      BooleanSupplier draining, int port, KeyAdminRoutes keyAdmin) {
    this.keyAdmin = keyAdmin;
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
    if (keyAdmin != null) {
      keyAdmin.mount(router);
    }
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> {
      if (draining.getAsBoolean()) {
        ctx.response().setStatusCode(503);
        ctx.json(new JsonObject().put("status", "DOWN").put("reason", "draining"));
        return;
      }
      ledger.ping()
          .onSuccess(v -> ctx.json(new JsonObject().put("status", "UP")))
          .onFailure(e -> {
            ctx.response().setStatusCode(503);
            ctx.json(new JsonObject().put("status", "DOWN").put("reason", "budget store unreachable"));
          });
    });
    router.get("/admin/usage")
        .handler(new AuthHandler(settings, Endpoint.Scope.ADMIN))
        .handler(new UsageHandler(settings, ledger, clock, true));
    router.route().last().handler(ctx -> ctx.fail(new GatewayException(ErrorCode.NOT_FOUND,
        "no such management route; try /health/live, /health/ready, /metrics, /admin/usage, /admin/keys")));
    router.route().failureHandler(new ErrorRenderer());
    var serverConfig = settings.get().config().server();
    return HardenedServer.listen(vertx, new HttpServerOptions().setPort(port).setHost(serverConfig.host())
            .setMaxHeaderSize(serverConfig.maxHeaderBytes()), serverConfig, router, null)
        .onSuccess(s -> server = s);
  }
}
