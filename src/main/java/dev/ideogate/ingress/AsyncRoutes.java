package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.async.AsyncServices;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HTTP routes over the async services of one replica: Ideogram's callback and the status poll on the client
 * port, {@code /admin/webhooks} on the management port. One instance per gateway, shared by every ingress loop, so
 * the callback counters are the replica's.
 */
public final class AsyncRoutes {
  /**
   * What a callback can be: Ideogram's webhook body is the generation's result, at most 8 image records, each with
   * its prompt (≤ 10,000 characters, ≤ 40,000 bytes of UTF-8), a signed URL and a few fields: under 384 KiB. The route
   * has no client key, so it reads no more than that before the signature is checked (ARCHITECTURE.md §11).
   */
  static final long CALLBACK_MAX_BYTES = 384 * 1024;

  private final Supplier<GatewaySettings> settings;
  private final AsyncServices async;
  private final CallbackHandler callbacks;
  private final BufferedBodies bodies;

  /** @param bodies the replica's account of buffered request bodies: callbacks count in it too */
  public AsyncRoutes(Supplier<GatewaySettings> settings, AsyncServices async, BufferedBodies bodies) {
    this.settings = settings;
    this.bodies = bodies;
    this.async = async;
    this.callbacks = new CallbackHandler(async.jwks(), async.store(), async.settler(), async.timing().replayWindowS(),
        async.clock());
  }

  /**
   * Callback (no client key: signed by Ideogram) and poll (scope images:generate, the team's rate limit, the team's
   * lane on {@code dispatcher}) on the client port.
   */
  public void mountClientRoutes(Router router, IngressGuards guards, DispatcherVerticle dispatcher) {
    router.route(CallbackHandler.PATH)
        .handler(ctx -> only(ctx, HttpMethod.POST))
        .handler(new BodyReader(CALLBACK_MAX_BYTES, 10_000, bodies))
        .handler(callbacks);
    router.route("/v1/generations/:id")
        .handler(ctx -> only(ctx, HttpMethod.GET))
        .handler(new AuthHandler(settings, Endpoint.Scope.GENERATE))
        .handler(new RateLimitHandler(settings, guards.rateLimits()))
        .handler(new GenerationPollHandler(settings, async.store(), dispatcher, async.settler()));
  }

  /** {@code GET /admin/webhooks} (scope admin): queue depth, this replica's counters, the newest dead letters. */
  public void mountManagementRoutes(Router router) {
    var deliveries = async.deliveries();
    var stats = async.deliveryStats();
    router.get("/admin/webhooks")
        .handler(new AuthHandler(settings, Endpoint.Scope.ADMIN))
        .handler(ctx -> Future.all(deliveries.depth(), deliveries.deadLetters(100))
            .onSuccess(all -> ctx.json(new JsonObject()
                .put("queue", all.<JsonObject>resultAt(0))
                .put("replica", new JsonObject().put("delivered", stats.delivered.get())
                    .put("attempts", stats.attempts.get()).put("failed_attempts", stats.failedAttempts.get())
                    .put("dead_lettered", stats.deadLettered.get()))
                .put("dead_letters", new JsonArray(all.<List<Object>>resultAt(1)))))
            .onFailure(e -> ctx.fail(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
                "the webhook store did not answer", 1L))));
  }

  /** The callback handler of this replica (its refusal counter). */
  public CallbackHandler callbacks() {
    return callbacks;
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
}
