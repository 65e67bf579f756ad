package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.async.AsyncGeneration;
import dev.ideogate.async.AsyncStore;
import dev.ideogate.async.GenerationSettler;
import dev.ideogate.async.Reconciler;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.DispatchJob;
import dev.ideogate.dispatch.DispatchResult;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.policy.ClientKeys.Principal;
import dev.ideogate.tracing.RequestTrace;
import dev.ideogate.upstream.UpstreamCall;
import dev.ideogate.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code GET /v1/generations/{id}}: polls Ideogram with the creating team's key and passes its answer on. Any other
 * team, or an id the gateway never recorded, gets 404 exactly as for an id that does not exist, so ids cannot be
 * probed across teams. A final answer also settles the generation if nothing has yet. The route sits behind the
 * team's rate limit, and the poll goes to Ideogram through the team's lane (ARCHITECTURE.md §11): its concurrency,
 * queue and the shared in-flight limit of the upstream key.
 */
public final class GenerationPollHandler implements Handler<RoutingContext> {
  private final Supplier<GatewaySettings> settings;
  private final AsyncStore store;
  private final DispatcherVerticle dispatcher;
  private final GenerationSettler settler;

  public GenerationPollHandler(Supplier<GatewaySettings> settings, AsyncStore store, DispatcherVerticle dispatcher,
      GenerationSettler settler) {
    this.settings = settings;
    this.store = store;
    this.dispatcher = dispatcher;
    this.settler = settler;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = ctx.get(AuthHandler.KEY);
    String id = ctx.pathParam("id");
    store.find(id)
        .compose(generation -> {
          TeamConfig team = generation == null ? null : settings.get().config().team(generation.team());
          if (team == null || !team.id().equals(principal.team())) {
            return Future.failedFuture(notFound());
          }
          DispatchJob job = new DispatchJob(team.id(), team.maxConcurrency(), team.maxQueued(),
              team.maxQueueWait().toMillis(), UpstreamCall.poll(id, team.upstreamKey(),
                  RequestTrace.of(ctx).upstreamCall()));
          ctx.response().closeHandler(v -> dispatcher.cancel(job));
          return dispatcher.dispatch(job).map(DispatchResult::response)
              .recover(e -> Future.failedFuture(e instanceof GatewayException ? e
                  : new GatewayException(ErrorCode.UPSTREAM_ERROR, "Ideogram did not answer the poll")))
              .compose(response -> settleIfFinal(generation, response));
        })
        .onSuccess(response -> {
          if (response.status() == 404) {
            ctx.fail(notFound());
            return;
          }
          if (response.status() != 200) {
            ctx.fail(new GatewayException(ErrorCode.UPSTREAM_ERROR, "Ideogram answered " + response.status()
                + " to the poll"));
            return;
          }
          ctx.response().putHeader("Content-Type", "application/json").putHeader(ResponseHeaders.TEAM, principal.team())
              .end(response.body());
        })
        .onFailure(ctx::fail);
  }

  private Future<UpstreamResponse> settleIfFinal(AsyncGeneration generation, UpstreamResponse response) {
    var result = response.status() == 200 ? Reconciler.finalResult(response) : null;
    if (result == null) {
      return Future.succeededFuture(response);
    }
    return settler.settle(generation, result, "poll").map(response).recover(e -> Future.succeededFuture(response));
  }

  private static GatewayException notFound() {
    return new GatewayException(ErrorCode.NOT_FOUND, "no such generation");
  }
}
