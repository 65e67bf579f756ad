package dev.ideogate.sim;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/generations/{id}} (the creating account only; any other id, or another account's, is 404) and
 * {@code GET /v1/.well-known/jwks.json} (the webhook keys), as in ideogram-api.md §2a and §4.3; plus
 * {@code POST /__sim/async-knobs}.
 */
final class GenerationRoutes {
  private final SimAccounts accounts;
  private final SimAsync async;

  GenerationRoutes(SimAccounts accounts, SimAsync async) {
    this.accounts = accounts;
    this.async = async;
  }

  void mount(Router router) {
    router.get("/v1/generations/:id").handler(this::poll);
    router.get("/v1/.well-known/jwks.json").handler(ctx -> ImageCallHandler.sendJson(ctx.response(), 200,
        async.keys.jwks(), null));
    router.post("/__sim/async-knobs").handler(this::knobs);
  }

  private void poll(RoutingContext ctx) {
    SimAccount account = accounts.authenticate(ctx.request().getHeader("Api-Key"));
    if (account == null) {
      ImageCallHandler.sendJson(ctx.response(), 401,
          new JsonObject().put("error", "Unauthorized: missing or invalid Api-Key"), null);
      return;
    }
    account.sawHeaders(ctx.request().getHeader("traceparent"), ctx.request().getHeader("X-Request-Id"));
    SimGenerations.Generation generation = async.generations.find(ctx.pathParam("id"), account.fingerprint());
    if (generation == null) {
      ImageCallHandler.sendJson(ctx.response(), 404, SimAsync.notFound(), null);
      return;
    }
    ImageCallHandler.sendJson(ctx.response(), 200, generation.body(), null);
  }

  private void knobs(RoutingContext ctx) {
    ctx.request().body().onComplete(result -> {
      try {
        JsonObject json = result.result().length() == 0 ? new JsonObject() : result.result().toJsonObject();
        SimAsyncKnobs knobs = new SimAsyncKnobs(json.getDouble("webhookDropRate", 0.0),
            json.getDouble("webhookDuplicateRate", 0.0), json.getLong("webhookDelayMs", 0L),
            json.getDouble("failRate", 0.0), json.getLong("latencyMs"));
        async.configure(knobs);
        ImageCallHandler.sendJson(ctx.response(), 200, JsonObject.mapFrom(knobs), null);
      } catch (RuntimeException e) {
        ImageCallHandler.sendJson(ctx.response(), 400, new JsonObject().put("error", "invalid async knobs: "
            + e.getMessage()), null);
      }
    });
  }
}
