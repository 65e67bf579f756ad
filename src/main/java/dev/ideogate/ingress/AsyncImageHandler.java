package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.async.AsyncGeneration;
import dev.ideogate.async.AsyncServices;
import dev.ideogate.async.WebhookUrlPolicy;
import dev.ideogate.budget.AsyncHoldLedger;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.Hold;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.DispatchJob;
import dev.ideogate.dispatch.DispatchResult;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.UpstreamCall;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An async generate route (issue 10): the same admission as {@link ImageHandler} (parse, validate, policy,
 * price), a check of the client's {@code webhook_url} ({@link WebhookUrlPolicy}), a reservation with the long
 * async lease, dispatch on the team's lane with the gateway's own callback URL in place of the client's, and, once
 * Ideogram accepted, the generation recorded (team, hold, price, client webhook) before the client gets
 * Ideogram's body. Settlement happens later: callback, poll or reconciler.
 */
public final class AsyncImageHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncImageHandler.class);

  private final Endpoint endpoint;
  private final Supplier<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final DispatcherVerticle dispatcher;
  private final Clock clock;
  private final AsyncServices async;
  private final ImageHandler admission;

  public AsyncImageHandler(Endpoint endpoint, Supplier<GatewaySettings> settings, BudgetLedger ledger,
      DispatcherVerticle dispatcher, Clock clock, AsyncServices async) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.ledger = ledger;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.async = async;
    this.admission = new ImageHandler(endpoint, settings, ledger, dispatcher, clock);
  }

  @Override
  public void handle(RoutingContext ctx) {
    GatewaySettings current = settings.get();
    ImageHandler.Admitted admitted;
    String clientWebhook;
    try {
      admitted = admission.admit(ctx, current);
      clientWebhook = clientWebhook(ctx, current, admitted.team());
    } catch (GatewayException e) {
      ctx.fail(e);
      return;
    }
    TeamConfig team = admitted.team();
    BudgetWindow window = BudgetWindow.now(clock, current.config().budgets().timezone());
    TeamBudget budget = new TeamBudget(team.id(), team.dailyBudgetMicroUsd(), team.monthlyBudgetMicroUsd());
    long cost = admitted.quote().worstCaseMicroUsd();
    RateLimitHandler.Deferred rateCheck = RateLimitHandler.deferred(ctx);
    Future<Hold> reserved = rateCheck != null
        ? rateCheck.reserve(ctx, budget, window, cost, async.timing().holdLeaseMs())
        : ledger instanceof AsyncHoldLedger longLease
            ? longLease.reserve(budget, window, cost, async.timing().holdLeaseMs())
            : ledger.reserve(budget, window, cost);
    reserved.compose(hold -> {
          Accounting accounting = new Accounting(ledger, admitted.quote(), hold, ctx.get(RequestIdHandler.KEY));
          return dispatch(ctx, admitted).transform(dispatched -> accept(admitted, hold, clientWebhook, accounting,
              dispatched));
        })
        .onSuccess(accepted -> respond(ctx, accepted))
        .onFailure(ctx::fail);
  }

  /** The client's webhook_url, checked; empty when absent (the client polls). */
  private String clientWebhook(RoutingContext ctx, GatewaySettings current, TeamConfig team) {
    return checkedWebhook(ctx.queryParams().get("webhook_url"), current, team, "GET /v1/generations/{id}");
  }

  /**
   * A client's webhook URL (async results, batch completions) checked by {@link WebhookUrlPolicy} and against the
   * team's webhook secret; empty when absent. {@code pollInstead} names what the client can poll instead.
   */
  static String checkedWebhook(String url, GatewaySettings current, TeamConfig team, String pollInstead) {
    if (url == null || url.isEmpty()) {
      return "";
    }
    WebhookUrlPolicy.refusal(url, current.config().environment()).ifPresent(reason -> {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, reason);
    });
    if (!team.hasWebhookSecret()) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, "team " + team.id() + " has no webhookSecret configured,"
          + " so Ideogate cannot sign deliveries to webhook_url; poll " + pollInstead + " instead");
    }
    return url;
  }

  private Future<DispatchResult> dispatch(RoutingContext ctx, ImageHandler.Admitted admitted) {
    TeamConfig team = admitted.team();
    UpstreamCall original = admitted.call();
    UpstreamCall call = new UpstreamCall(endpoint, upstreamQuery(ctx.request().query(), async.callbackUrl()),
        original.contentType(), original.body(), original.apiKey(), original.trace());
    DispatchJob job = new DispatchJob(team.id(), team.maxConcurrency(), team.maxQueued(),
        team.maxQueueWait().toMillis(), call);
    return ImageHandler.dispatch(ctx, dispatcher, job);
  }

  /** The client's query without its webhook_url, plus the gateway's callback URL when one is configured. */
  static String upstreamQuery(String clientQuery, String callbackUrl) {
    List<String> kept = new ArrayList<>();
    if (clientQuery != null && !clientQuery.isEmpty()) {
      for (String pair : clientQuery.split("&")) {
        String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
        if (!pair.isEmpty() && !name.equals("webhook_url")) {
          kept.add(pair);
        }
      }
    }
    if (!callbackUrl.isEmpty()) {
      kept.add("webhook_url=" + URLEncoder.encode(callbackUrl, StandardCharsets.UTF_8));
    }
    return String.join("&", kept);
  }

  private record Accepted(String team, Hold hold, DispatchResult result) {}

  /**
   * The shared accounting rule ({@link Accounting#accepted}) for refusals and failures; once Ideogram accepted, the
   * generation is recorded so that its callback, a poll or the reconciler settles the hold.
   */
  private Future<Accepted> accept(ImageHandler.Admitted admitted, Hold hold, String clientWebhook,
      Accounting accounting, AsyncResult<DispatchResult> dispatched) {
    return accounting.accepted(dispatched).compose(result -> {
      String generationId = generationId(result);
      if (!AsyncGeneration.validId(generationId)) {
        return accounting.unreadable(result.response().status(), "no readable generation_id");
      }
      long now = clock.millis();
      AsyncGeneration generation = new AsyncGeneration(generationId, hold.team(), hold.id(), hold.amountMicroUsd(),
          hold.window().day(), hold.window().month(), admitted.quote().priceKey(), admitted.quote().unitMicroUsd(),
          admitted.quote().units(), clientWebhook, now, now + async.timing().reconcileAfterMs());
      return async.store().record(generation)
          .recover(e -> {
            // Ideogram has the work: answer the client anyway; the hold expires and is charged in full (never less)
            LOG.warn("could not record async generation {} of team {}: {}", generationId, hold.team(), e.toString());
            return Future.succeededFuture();
          })
          .map(v -> new Accepted(hold.team(), hold, result));
    });
  }

  private static String generationId(DispatchResult result) {
    try {
      return new JsonObject(result.response().body()).getString("generation_id");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void respond(RoutingContext ctx, Accepted accepted) {
    DispatchResult result = accepted.result();
    if (ctx.response().closed()) {
      return;
    }
    var response = ctx.response()
        .setStatusCode(result.response().status())
        .putHeader(ResponseHeaders.TEAM, accepted.team())
        .putHeader(ResponseHeaders.HELD_USD, MicroUsd.format(accepted.hold().amountMicroUsd()))
        .putHeader(ResponseHeaders.BUDGET_REMAINING_USD, MicroUsd.format(Math.max(0, accepted.hold().remainingMicroUsd())))
        .putHeader(ResponseHeaders.QUEUE_WAIT_MS, Long.toString(result.queueWaitMs()));
    if (result.response().contentType() != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, result.response().contentType());
    }
    response.end(result.response().body());
  }
}
