package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.batch.BatchLine;
import dev.ideogate.batch.BatchStore;
import dev.ideogate.batch.LineExecutor;
import dev.ideogate.batch.LineHold;
import dev.ideogate.batch.LineOutcome;
import dev.ideogate.batch.LineState;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.Hold;
import dev.ideogate.budget.NamedHoldLedger;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.DispatchJob;
import dev.ideogate.dispatch.DispatchResult;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.upstream.CallTrace;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.ImageRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A batch line run as a request of its team (ARCHITECTURE.md §13): the admission of {@link ImageHandler} (schema,
 * team policy, content policy, price) under the config of now, the team's rate limit (a refused line waits its
 * turn), the budget reservation, the team's lane in the batch class (it yields to the team's interactive requests)
 * and the one accounting rule ({@link Accounting}). A call charged in full without images (timeout, lost response,
 * 5xx) ends UNKNOWN, never retried.
 */
public final class BatchLineExecutor implements LineExecutor {
  /** The JSON endpoints a batch line may name. */
  public static final List<Endpoint> ENDPOINTS = List.of(Endpoint.GENERATE, Endpoint.V3_GENERATE,
      Endpoint.V3_GENERATE_TRANSPARENT, Endpoint.V4_GENERATE, Endpoint.V4_GENERATE_TRANSPARENT);
  static final String CONTENT_TYPE = "application/json";

  private final Vertx vertx;
  private final Supplier<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final DispatcherVerticle dispatcher;
  private final RateLimitStore rateLimits;
  private final Clock clock;
  private final Map<Endpoint, ImageHandler> admission = new EnumMap<>(Endpoint.class);

  public BatchLineExecutor(Vertx vertx, Supplier<GatewaySettings> settings, BudgetLedger ledger,
      DispatcherVerticle dispatcher, RateLimitStore rateLimits, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.ledger = ledger;
    this.dispatcher = dispatcher;
    this.rateLimits = rateLimits;
    this.clock = clock;
    for (Endpoint endpoint : ENDPOINTS) {
      admission.put(endpoint, new ImageHandler(endpoint, settings, ledger, dispatcher, clock));
    }
  }

  /**
   * The checks a line passes at submission and again when it runs; throws {@link GatewayException} with the
   * reason. Also used by {@link BatchRoutes} to refuse a batch with a bad line before anything is queued.
   */
  ImageHandler.Admitted admit(GatewaySettings current, TeamConfig team, String endpointPath, String body) {
    Endpoint endpoint = Endpoint.byPath(endpointPath).filter(admission::containsKey).orElseThrow(() ->
        new GatewayException(ErrorCode.INVALID_REQUEST, "endpoint must be one of " + ENDPOINTS.stream()
            .map(Endpoint::path).toList()));
    ImageHandler handler = admission.get(endpoint);
    Buffer bytes = Buffer.buffer(body);
    ImageRequest request = handler.validate(current, CONTENT_TYPE, bytes);
    return handler.admit(current, team, request, CONTENT_TYPE, bytes, "", CallTrace.NONE);
  }

  @Override
  public Future<LineOutcome> run(BatchStore.Claim claim, Function<LineHold, Future<Void>> record) {
    GatewaySettings current = settings.get();
    TeamConfig team = current.config().team(claim.team());
    BatchLine line = claim.line();
    ImageHandler.Admitted admitted;
    try {
      if (team == null) {
        throw new GatewayException(ErrorCode.SCOPE_DENIED, "team " + claim.team() + " is no longer configured");
      }
      admitted = admit(current, team, line.endpoint(), line.body());
    } catch (GatewayException e) {
      return Future.succeededFuture(LineOutcome.ended(LineState.FAILED, e.error().code(), e.getMessage(), 0));
    }
    long worstCase = admitted.quote().worstCaseMicroUsd();
    return rateLimited(team)
        .compose(v -> record.apply(LineHold.reserving(worstCase)))
        .compose(v -> reserve(current, team, claim, worstCase))
        .compose(hold -> dispatch(admitted, hold, record), e -> budgetRefusal(current, e));
  }

  @Override
  public Future<LineOutcome> takeOver(BatchStore.Claim claim, Function<LineHold, Future<Void>> record) {
    GatewaySettings current = settings.get();
    TeamConfig team = current.config().team(claim.team());
    if (team == null) {
      return Future.failedFuture(new IllegalStateException("team " + claim.team() + " is no longer configured"));
    }
    LineHold recorded = claim.hold();
    if (recorded.charging()) {
      // the call was answered and its charge recorded: settle that hold id at that charge, whether or not the
      // replica before did (a settled hold is gone, and a hold of 0 made here charges nothing)
      // (a refused hold of 0 means there is no open hold under this id: nothing is left to charge)
      return reserve(current, team, claim, 0)
          .compose(hold -> ledger.settle(hold, recorded.microUsd(), recorded.images()).<Void>mapEmpty(),
              e -> budgetExceeded(e) ? Future.<Void>succeededFuture() : Future.failedFuture(e))
          .map(settled -> LineOutcome.ended(LineState.UNKNOWN, ErrorCode.UPSTREAM_ERROR.code(), "the replica"
              + " running this line stopped after Ideogram answered and before the line's images were kept; it"
              + " was charged what the answer cost, once", recorded.microUsd()));
    }
    return reserve(current, team, claim, recorded.microUsd())
        .compose(hold -> record.apply(LineHold.charging(hold.amountMicroUsd(), 0))
            .compose(v -> ledger.settle(hold, hold.amountMicroUsd(), 0)).map(settled -> LineOutcome.ended(
                LineState.UNKNOWN, ErrorCode.UPSTREAM_TIMEOUT.code(), "the replica running this line stopped during"
                    + " its upstream call; it may have been billed, so its hold was charged in full",
                hold.amountMicroUsd())),
            e -> budgetRefusal(current, e));
  }

  /** The line's hold under its own id (a takeover finds the hold of the replica before it), where the ledger can. */
  private Future<Hold> reserve(GatewaySettings current, TeamConfig team, BatchStore.Claim claim, long amount) {
    BudgetWindow window = BudgetWindow.now(clock, current.config().budgets().timezone());
    TeamBudget budget = new TeamBudget(team.id(), team.dailyBudgetMicroUsd(), team.monthlyBudgetMicroUsd());
    return ledger instanceof NamedHoldLedger named ? named.reserve(budget, window, amount, claim.holdId())
        : ledger.reserve(budget, window, amount);
  }

  private Future<LineOutcome> budgetRefusal(GatewaySettings current, Throwable e) {
    return budgetExceeded(e) ? Future.succeededFuture(LineOutcome.budget(e.getMessage(), nextWindowMs(current)))
        : Future.failedFuture(e);
  }

  private static boolean budgetExceeded(Throwable e) {
    return e instanceof GatewayException g && g.error() == ErrorCode.BUDGET_EXCEEDED;
  }

  private Future<LineOutcome> dispatch(ImageHandler.Admitted admitted, Hold hold,
      Function<LineHold, Future<Void>> record) {
    boolean[] unrecorded = {false};
    Accounting accounting = new Accounting(ledger, admitted.quote(), hold, "batch", (charge, images) ->
        record.apply(LineHold.charging(charge, images)).onFailure(e -> unrecorded[0] = true));
    long[] queueWaitMs = {0};
    return queued(admitted, hold, record, queueWaitMs)
        .transform(accounting::account)
        .transform(done -> {
          if (done.succeeded()) {
            Accounting.Outcome outcome = done.result();
            return Future.succeededFuture(LineOutcome.succeeded(imageUrls(outcome.result().response().body()),
                outcome.chargedMicroUsd(), queueWaitMs[0]));
          }
          Throwable cause = done.cause();
          if (unrecorded[0]) {
            return Future.failedFuture(cause); // its hold is left to the lease and the takeover
          }
          String code = cause instanceof GatewayException g ? g.error().code() : ErrorCode.UPSTREAM_ERROR.code();
          if (accounting.chargedInFull()) {
            return Future.succeededFuture(LineOutcome.ended(LineState.UNKNOWN, code, cause.getMessage(),
                hold.amountMicroUsd()));
          }
          return Future.succeededFuture(LineOutcome.ended(LineState.FAILED, code, cause.getMessage(), 0));
        });
  }

  /**
   * The line's call through the team's lane in the batch class, each wait bounded by the team's {@code maxQueueWait}
   * as an interactive request's is. A line that waited that long was never sent: it goes to the back of the team's
   * batch queue again instead of failing, once the store confirms the line is still this replica's (re-recording its
   * reserved hold fails with {@link BatchStore.TakenBack} otherwise). {@code queueWaitMs} sums its waits.
   */
  private Future<DispatchResult> queued(ImageHandler.Admitted admitted, Hold hold,
      Function<LineHold, Future<Void>> record, long[] queueWaitMs) {
    TeamConfig team = admitted.team();
    long maxQueueWaitMs = team.maxQueueWait().toMillis();
    DispatchJob job = new DispatchJob(team.id(), team.maxConcurrency(), team.maxQueued(), maxQueueWaitMs,
        admitted.call(), true);
    return dispatcher.dispatch(job).transform(done -> {
      if (done.succeeded()) {
        queueWaitMs[0] += done.result().queueWaitMs();
        return Future.succeededFuture(done.result());
      }
      if (done.cause() instanceof GatewayException g && g.error() == ErrorCode.QUEUE_TIMEOUT) {
        queueWaitMs[0] += maxQueueWaitMs;
        return record.apply(LineHold.reserving(admitted.quote().worstCaseMicroUsd()))
            .compose(v -> queued(admitted, hold, record, queueWaitMs));
      }
      return Future.failedFuture(done.cause());
    });
  }

  /** Waits for the team's rate limit to admit one more request (a batch line never fails for it). */
  private Future<Void> rateLimited(TeamConfig team) {
    if (!team.rateLimit().enabled()) {
      return Future.succeededFuture();
    }
    return rateLimits.acquire(List.of(RateLimitHandler.teamBucket(team))).compose(decision -> {
      if (decision.admitted()) {
        return Future.succeededFuture();
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(Math.max(1, decision.retryAfterUs() / 1000), t -> rateLimited(team).onComplete(later));
      return later.future();
    });
  }

  /** The start of the next day of the budget timezone: a paused batch tries again then. */
  private long nextWindowMs(GatewaySettings current) {
    var zone = current.config().budgets().timezone();
    return LocalDate.now(clock.withZone(zone)).plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
  }

  private static List<String> imageUrls(Buffer body) {
    List<String> urls = new ArrayList<>();
    JsonArray data = new JsonObject(body).getJsonArray("data", new JsonArray());
    for (int i = 0; i < data.size(); i++) {
      String url = data.getJsonObject(i).getString("url");
      if (url != null) {
        urls.add(url);
      }
    }
    return urls;
  }
}
