package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.async.AsyncServices;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.RateCheckedLedger;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.tracing.RequestTrace;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The client port: Ideogram's own paths (ARCHITECTURE.md §5) and {@code /v1/usage}, nothing else. One instance per event
 * loop; each route is a chain of small handlers: request id → drain check → method → auth and scope → body →
 * the endpoint's handler. Every failure is rendered by {@link ErrorRenderer}.
 */
public final class IngressVerticle extends VerticleBase {
  private final Supplier<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final DispatcherVerticle dispatcher;
  private final Clock clock;
  private final BooleanSupplier draining;
  private final Handler<RoutingContext> observer;
  private final int port;
  private final AsyncServices async;
  private final AsyncRoutes asyncRoutes;
  private final IngressGuards guards;
  private final ClientEventLoops loops;
  private final BufferedBodies bodies;
  private final BatchRoutes batchRoutes;

  /**
   * @param guards rate limits and key usage counters shared by all instances
   * @param async async generations and webhooks
   * @param asyncRoutes the callback and poll routes, shared by all instances
   * @param loops where this instance registers its event loop for the liveness probe
   * @param bodies the replica's account of buffered request bodies, shared by all instances
   * @param batchRoutes the batch routes (ARCHITECTURE.md §13), shared by all instances
   */
  public IngressVerticle(Supplier<GatewaySettings> settings, BudgetLedger ledger, DispatcherVerticle dispatcher,
      Clock clock, BooleanSupplier draining, Handler<RoutingContext> observer, int port, IngressGuards guards,
      AsyncServices async, AsyncRoutes asyncRoutes, ClientEventLoops loops, BufferedBodies bodies,
      BatchRoutes batchRoutes) {
    this.loops = loops;
    this.bodies = bodies;
    this.guards = guards;
    this.batchRoutes = batchRoutes;
    this.async = async;
    this.asyncRoutes = asyncRoutes;
    this.settings = settings;
    this.ledger = ledger;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.draining = draining;
    this.observer = observer;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    loops.register(context);
    var server0 = settings.get().config().server();
    Router router = Router.router(vertx);
    router.route().handler(new RequestIdHandler()).handler(observer).handler(this::refuseWhileDraining);
    router.route().handler(new KeyUsageHandler(guards.keyUsage()));
    // Image routes check the rate limit in their reserve script when the ledger can (ARCHITECTURE.md §2).
    RateCheckedLedger rateInReserve = ledger instanceof RateCheckedLedger fused ? fused : null;
    for (Endpoint endpoint : Endpoint.values()) {
      router.route(endpoint.path())
          .handler(ctx -> allowOnly(ctx, HttpMethod.POST))
          .handler(IngressVerticle::beginAuthPolicy)
          .handler(new AuthHandler(settings, endpoint.scope()))
          .handler(new RateLimitHandler(settings, guards.rateLimits(), rateInReserve))
          .handler(new BodyReader(server0.maxBodyBytes(), server0.requestReadTimeout().toMillis(), bodies))
          .handler(endpoint.async() ? new AsyncImageHandler(endpoint, settings, ledger, dispatcher, clock, async)
              : new ImageHandler(endpoint, settings, ledger, dispatcher, clock));
    }
    router.route("/v1/usage")
        .handler(ctx -> allowOnly(ctx, HttpMethod.GET))
        .handler(new AuthHandler(settings, Endpoint.Scope.USAGE_READ))
        .handler(new UsageHandler(settings, ledger, clock, false));
    asyncRoutes.mountClientRoutes(router, guards, dispatcher);
    batchRoutes.mount(router, bodies);
    router.route().last().handler(ctx -> ctx.fail(new GatewayException(ErrorCode.NOT_FOUND,
        "no such route " + sanitize(ctx.request().path())
            + ": the gateway serves only the Ideogram API paths, /v1/batches and /v1/usage")));
    router.route().failureHandler(new ErrorRenderer());

    HttpServerOptions options = new HttpServerOptions()
        .setHost(server0.host())
        .setPort(port)
        .setMaxHeaderSize(server0.maxHeaderBytes())
        .setMaxInitialLineLength(8192)
        .setIdleTimeout((int) server0.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    return HardenedServer.listen(vertx, options, server0, router, InvalidRequests::render);
  }

  @Override
  public Future<?> stop() {
    loops.unregister(context);
    return Future.succeededFuture();
  }

  private void refuseWhileDraining(RoutingContext ctx) {
    if (draining.getAsBoolean()) {
      ctx.response().putHeader("Connection", "close");
      ctx.fail(new GatewayException(ErrorCode.SHUTTING_DOWN,
          "this gateway replica is shutting down; retry and another replica will serve you", 1L));
      return;
    }
    ctx.request().pause();
    ctx.next();
  }

  /** The trace's auth/policy phase runs from here to a priced request (ImageHandler#admit). */
  private static void beginAuthPolicy(RoutingContext ctx) {
    RequestTrace.of(ctx).begin(RequestTrace.AUTH_POLICY);
    ctx.next();
  }

  static void allowOnly(RoutingContext ctx, HttpMethod method) {
    if (ctx.request().method() != method) {
      ctx.response().putHeader("Allow", method.name());
      ctx.fail(new GatewayException(ErrorCode.METHOD_NOT_ALLOWED,
          ctx.request().method().name() + " is not allowed on " + sanitize(ctx.request().path()) + "; use " + method.name()));
      return;
    }
    ctx.next();
  }

  static String sanitize(String path) {
    String cut = path.length() > 100 ? path.substring(0, 100) + "…" : path;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
