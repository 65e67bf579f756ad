package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.Hold;
import dev.ideogate.budget.Quote;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.Cancelled;
import dev.ideogate.dispatch.DispatchJob;
import dev.ideogate.dispatch.DispatchResult;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.policy.ClientKeys.Principal;
import dev.ideogate.policy.ContentPolicy;
import dev.ideogate.policy.PiiDetector;
import dev.ideogate.policy.TeamPolicy;
import dev.ideogate.tracing.RequestTrace;
import dev.ideogate.upstream.CallTrace;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.ImageRequest;
import dev.ideogate.upstream.InvalidRequestException;
import dev.ideogate.upstream.RequestSchema;
import dev.ideogate.upstream.UpstreamCall;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The request path of ARCHITECTURE.md §2 for one image endpoint: parse and validate, apply the team's policy, price the
 * worst case and reserve it, dispatch on the team's lane, then settle or release ({@link Accounting}) and answer
 * with Ideogram's status and body plus the {@code X-Ideogate-*} headers.
 */
public final class ImageHandler implements Handler<RoutingContext> {
  private final Endpoint endpoint;
  private final Supplier<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final DispatcherVerticle dispatcher;
  private final Clock clock;
  private final BodyParser parser;

  public ImageHandler(Endpoint endpoint, Supplier<GatewaySettings> settings, BudgetLedger ledger,
      DispatcherVerticle dispatcher, Clock clock) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.ledger = ledger;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.parser = new BodyParser(settings.get().config().server().maxParts()); // server limits apply at restart
  }

  /** A request that passed every check, priced, ready to reserve. */
  record Admitted(TeamConfig team, ImageRequest request, Quote quote, UpstreamCall call) {}

  @Override
  public void handle(RoutingContext ctx) {
    GatewaySettings current = settings.get();
    Admitted admitted;
    try {
      admitted = admit(ctx, current);
    } catch (GatewayException e) {
      ctx.fail(e);
      return;
    }
    BudgetWindow window = BudgetWindow.now(clock, current.config().budgets().timezone());
    TeamConfig team = admitted.team();
    RequestTrace trace = RequestTrace.of(ctx);
    trace.begin(RequestTrace.RESERVE);
    TeamBudget budget = new TeamBudget(team.id(), team.dailyBudgetMicroUsd(), team.monthlyBudgetMicroUsd());
    long cost = admitted.quote().worstCaseMicroUsd();
    RateLimitHandler.Deferred rateCheck = RateLimitHandler.deferred(ctx);
    (rateCheck == null ? ledger.reserve(budget, window, cost) : rateCheck.reserve(ctx, budget, window, cost))
        .andThen(reserved -> trace.end(RequestTrace.RESERVE, reserved))
        .compose(hold -> dispatchAndAccount(ctx, admitted, hold))
        .onComplete(outcome -> respond(ctx, outcome), ctx::fail); // one listener: no listener array per request
  }

  /** Parse, validate, policy, price: everything decided without I/O. */
  Admitted admit(RoutingContext ctx, GatewaySettings current) {
    Principal principal = ctx.get(AuthHandler.KEY);
    TeamConfig team = current.config().team(principal.team());
    if (team == null) {
      throw new GatewayException(ErrorCode.SCOPE_DENIED, "key " + principal.keyId() + " belongs to no team");
    }
    Buffer body = ctx.get(BodyReader.KEY);
    String contentType = ctx.request().getHeader("Content-Type");
    ImageRequest request = validate(current, contentType, body);
    RequestFacts.of(ctx).parsed(request);
    RequestTrace trace = RequestTrace.of(ctx);
    Admitted admitted = admit(current, team, request, contentType, body, ctx.request().query(), trace.upstreamCall());
    trace.admitted(team.id(), endpoint.path(), request.model());
    return admitted;
  }

  /**
   * The body read against Ideogram's contract for this endpoint ({@link RequestSchema}) and the prompt cap; 400 or
   * 413 when it breaks them. Batch lines come here too.
   */
  ImageRequest validate(GatewaySettings current, String contentType, Buffer body) {
    BodyParser.Parsed parsed = parser.parse(endpoint, contentType, body.getBytes());
    long maxFileBytes = current.config().server().maxFileBytes();
    for (var file : parsed.files()) {
      if (file.sizeBytes() > maxFileBytes) {
        throw new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, file.field() + " is " + file.sizeBytes()
            + " bytes; this gateway takes files of at most " + maxFileBytes + " bytes (server.maxFileBytes)");
      }
    }
    ImageRequest request;
    try {
      request = RequestSchema.check(endpoint, parsed.fields(), parsed.files());
    } catch (InvalidRequestException e) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, e.getMessage());
    }
    TeamPolicy.checkPrompt(request.prompt()); // limits before work: nothing keeps or scans an oversized prompt
    return request;
  }

  /** The team's policy and content policy on a valid request, then its price (batch lines come here too). */
  Admitted admit(GatewaySettings current, TeamConfig team, ImageRequest request, String contentType, Buffer body,
      String query, CallTrace trace) {
    TeamPolicy.check(team, request);
    checkContent(current, team, request.prompt());
    Quote quote = current.pricing().quote(request);
    return new Admitted(team, request, quote,
        new UpstreamCall(endpoint, query, contentType, body, team.upstreamKey(), trace));
  }

  private void checkContent(GatewaySettings current, TeamConfig team, String prompt) {
    ContentPolicy.Verdict verdict = current.contentPolicy(team.contentPolicy()).check(prompt);
    if (verdict.blocked()) {
      throw new GatewayException(ErrorCode.CONTENT_BLOCKED, "prompt blocked by the content policy '" + verdict.tier()
          + "' of team " + team.id() + " (category: " + verdict.category() + ")");
    }
    if ("block".equals(team.pii())) {
      PiiDetector.firstCategory(prompt).ifPresent(category -> {
        throw new GatewayException(ErrorCode.CONTENT_BLOCKED, "prompt blocked: it contains personal data (category: pii,"
            + " kind: " + category + "); team " + team.id() + " does not send personal data to Ideogram");
      });
    }
  }

  private Future<Accounting.Outcome> dispatchAndAccount(RoutingContext ctx, Admitted admitted, Hold hold) {
    TeamConfig team = admitted.team();
    DispatchJob job = new DispatchJob(team.id(), team.maxConcurrency(), team.maxQueued(),
        team.maxQueueWait().toMillis(), admitted.call());
    Accounting accounting = new Accounting(ledger, admitted.quote(), hold, ctx.get(RequestIdHandler.KEY));
    RequestTrace trace = RequestTrace.of(ctx);
    return dispatch(ctx, dispatcher, job).transform(dispatched -> {
      trace.begin(RequestTrace.SETTLE);
      return accounting.account(dispatched).andThen(settled -> trace.end(RequestTrace.SETTLE, settled));
    });
  }

  /**
   * Dispatches the job of a reserved request, sync or async: not at all when the client left while the budget was
   * being reserved (nothing sent, nothing owed: {@link Cancelled}), cancelled when it leaves while queued; the
   * upstream status and queue wait recorded for the audit, on errors too.
   */
  static Future<DispatchResult> dispatch(RoutingContext ctx, DispatcherVerticle dispatcher, DispatchJob job) {
    if (ctx.response().closed()) {
      return Future.failedFuture(Cancelled.INSTANCE);
    }
    ctx.response().closeHandler(v -> dispatcher.cancel(job));
    RequestTrace.of(ctx).queued();
    return dispatcher.dispatch(job).onSuccess(result -> { // audited on errors too
      RequestFacts.of(ctx).dispatched(result.response().status(), result.queueWaitMs());
    });
  }

  private void respond(RoutingContext ctx, Accounting.Outcome outcome) {
    RequestFacts.of(ctx).charged(outcome.chargedMicroUsd(), outcome.images());
    if (ctx.response().closed()) {
      return;
    }
    DispatchResult result = outcome.result();
    var response = ctx.response()
        .setStatusCode(result.response().status())
        .putHeader(ResponseHeaders.TEAM, outcome.team())
        .putHeader(ResponseHeaders.COST_USD, MicroUsd.format(outcome.chargedMicroUsd()))
        .putHeader(ResponseHeaders.QUEUE_WAIT_MS, Long.toString(result.queueWaitMs()));
    if (outcome.remainingMicroUsd() >= 0) {
      response.putHeader(ResponseHeaders.BUDGET_REMAINING_USD, MicroUsd.format(outcome.remainingMicroUsd()));
    }
    if (result.response().contentType() != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, result.response().contentType());
    }
    response.end(result.response().body());
  }
}
