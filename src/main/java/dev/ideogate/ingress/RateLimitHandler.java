package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.Hold;
import dev.ideogate.budget.RateCheck;
import dev.ideogate.budget.RateCheckedLedger;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.policy.ClientKeys.Principal;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.policy.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The request-rate limit of the caller's key ({@code security.keyRateLimit}) and of its team ({@code rateLimit}),
 * checked right after authentication and before a byte of the body is read: a refused request reserves no budget
 * and takes no permit. Answers 429 {@code rate_limited} with Retry-After; every answer that passed here carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds) of the bucket with the
 * fewest requests left, and {@code RateLimit-Policy}.
 *
 * <p>On a route that reserves, with a ledger that checks rate buckets in its reserve script ({@link
 * RateCheckedLedger}: Redis, fail closed), the check is deferred to that script (ARCHITECTURE.md §2 steps 7 and 10):
 * one round trip fewer. Before the body this handler then refuses only what the last tats this replica saw already
 * refuse (a tat only grows, so the store would refuse it too), and leaves a {@link Deferred} for the reserve.
 * Elsewhere (usage, batches, polls, memory, fail open) the store decides here ({@code rate_limit.lua} or the local
 * limiter).
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  /** The rate check a reserve still owes (routing-context key, read only through {@link #deferred}). */
  private static final String DEFERRED = "ideogate.rate.deferred";

  /** The rate check this request's reserve owes, or null when this handler decided it already. */
  static Deferred deferred(RoutingContext ctx) {
    return ctx.get(DEFERRED);
  }

  private final Supplier<GatewaySettings> settings;
  private final RateLimitStore store;
  private final RateCheckedLedger deferTo;

  public RateLimitHandler(Supplier<GatewaySettings> settings, RateLimitStore store) {
    this(settings, store, null);
  }

  /** @param deferTo the ledger whose reserve checks the buckets, or null: the store decides here */
  public RateLimitHandler(Supplier<GatewaySettings> settings, RateLimitStore store, RateCheckedLedger deferTo) {
    this.settings = settings;
    this.store = store;
    this.deferTo = deferTo;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = ctx.get(AuthHandler.KEY);
    if (principal == null || principal.team() == null) {
      ctx.next();
      return;
    }
    var config = settings.get().config();
    TeamConfig team = config.team(principal.team());
    List<RateLimitStore.Bucket> buckets = new ArrayList<>(2);
    TeamConfig.RateLimit keyLimit = config.security().keyRateLimit();
    if (keyLimit.enabled()) {
      buckets.add(new RateLimitStore.Bucket(principal.team(), "k:" + principal.keyId(), rate(keyLimit)));
    }
    if (team != null && team.rateLimit().enabled()) {
      buckets.add(teamBucket(team));
    }
    if (buckets.isEmpty()) {
      ctx.next();
      return;
    }
    if (deferTo != null) {
      RateLimiter.Decision known = fromKnownTats(buckets);
      if (known != null && !known.admitted()) {
        putHeaders(ctx.response(), known, buckets);
        ctx.fail(refusal(principal, buckets, known.retryAfterUs()));
        return;
      }
      ctx.put(DEFERRED, new Deferred(deferTo, principal, buckets));
      ctx.next();
      return;
    }
    store.acquire(buckets).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
        return;
      }
      RateLimiter.Decision decision = done.result();
      putHeaders(ctx.response(), decision, buckets);
      if (decision.admitted()) {
        ctx.next();
        return;
      }
      ctx.fail(refusal(principal, buckets, decision.retryAfterUs()));
    });
  }

  /** The decision of the last tats this replica saw, by {@link RateLimiter}; null while nothing is known. */
  private RateLimiter.Decision fromKnownTats(List<RateLimitStore.Bucket> buckets) {
    long nowUs = deferTo.nowUs();
    if (nowUs < 0) {
      return null;
    }
    List<Long> tats = new ArrayList<>(buckets.size());
    List<RateLimiter.Rate> rates = new ArrayList<>(buckets.size());
    boolean any = false;
    for (RateLimitStore.Bucket bucket : buckets) {
      long tat = deferTo.knownTatUs(bucket.team(), bucket.name());
      any |= tat > 0;
      tats.add(tat);
      rates.add(bucket.rate());
    }
    return any ? RateLimiter.decide(tats, rates, nowUs) : null;
  }

  private static GatewayException refusal(Principal principal, List<RateLimitStore.Bucket> buckets,
      long retryAfterUs) {
    long retryAfterS = ceilSeconds(retryAfterUs);
    return new GatewayException(ErrorCode.RATE_LIMITED, "request rate limit reached for key " + principal.keyId()
        + " of team " + principal.team() + " (" + policy(buckets) + "); retry in " + retryAfterS + " s",
        retryAfterS);
  }

  /**
   * The rate check a route's reserve still owes: the buckets go to the reserve script as plain data, its answer
   * becomes the same headers and the same 429 as a check before the body.
   */
  static final class Deferred {
    private final RateCheckedLedger ledger;
    private final Principal principal;
    private final List<RateLimitStore.Bucket> buckets;

    private Deferred(RateCheckedLedger ledger, Principal principal, List<RateLimitStore.Bucket> buckets) {
      this.ledger = ledger;
      this.principal = principal;
      this.buckets = buckets;
    }

    /** A request-path hold (renewed while its call runs) after the rate check. */
    Future<Hold> reserve(RoutingContext ctx, TeamBudget team, BudgetWindow window, long costMicroUsd) {
      return answer(ledger.reserve(team, window, costMicroUsd, check(), headersOn(ctx)));
    }

    /** An async generation's hold of {@code leaseMs} after the rate check. */
    Future<Hold> reserve(RoutingContext ctx, TeamBudget team, BudgetWindow window, long costMicroUsd,
        long leaseMs) {
      return answer(ledger.reserve(team, window, costMicroUsd, leaseMs, check(), headersOn(ctx)));
    }

    private RateCheck check() {
      List<String> names = new ArrayList<>(buckets.size());
      List<Long> intervals = new ArrayList<>(buckets.size());
      List<Integer> bursts = new ArrayList<>(buckets.size());
      for (RateLimitStore.Bucket bucket : buckets) {
        names.add(bucket.name());
        intervals.add(bucket.rate().intervalUs());
        bursts.add(bucket.rate().burst());
      }
      return new RateCheck(names, intervals, bursts);
    }

    private Consumer<RateCheck.Outcome> headersOn(RoutingContext ctx) {
      return outcome -> putHeaders(ctx.response(), new RateLimiter.Decision(outcome.admitted(), List.of(),
          outcome.limit(), outcome.remaining(), outcome.retryAfterUs(), outcome.resetUs()), buckets);
    }

    private Future<Hold> answer(Future<Hold> reserved) {
      return reserved
          .recover(err -> Future.failedFuture(err instanceof RateCheck.Refused refused
              ? refusal(principal, buckets, refused.outcome().retryAfterUs())
              : err));
    }
  }

  /** The team's own bucket (batch lines count against it too); only for a team whose rate limit is enabled. */
  static RateLimitStore.Bucket teamBucket(TeamConfig team) {
    return new RateLimitStore.Bucket(team.id(), "t:" + team.id(), rate(team.rateLimit()));
  }

  private static RateLimiter.Rate rate(TeamConfig.RateLimit limit) {
    return new RateLimiter.Rate(limit.perMinute(), Math.max(1, limit.burst()));
  }

  private static void putHeaders(HttpServerResponse response, RateLimiter.Decision decision,
      List<RateLimitStore.Bucket> buckets) {
    response.putHeader("RateLimit-Limit", Integer.toString(decision.limit()))
        .putHeader("RateLimit-Remaining", Integer.toString(decision.remaining()))
        .putHeader("RateLimit-Reset", Long.toString(ceilSeconds(decision.resetUs())))
        .putHeader("RateLimit-Policy", policyHeader(buckets));
  }

  /** {@code 60;w=60;burst=10}, one item per bucket (draft-ietf-httpapi-ratelimit-headers). */
  private static String policyHeader(List<RateLimitStore.Bucket> buckets) {
    List<String> items = new ArrayList<>();
    for (RateLimitStore.Bucket bucket : buckets) {
      items.add(bucket.rate().perMinute() + ";w=60;burst=" + bucket.rate().burst());
    }
    return String.join(", ", items);
  }

  private static String policy(List<RateLimitStore.Bucket> buckets) {
    List<String> items = new ArrayList<>();
    for (RateLimitStore.Bucket bucket : buckets) {
      items.add((bucket.name().startsWith("k:") ? "key" : "team") + ": " + bucket.rate().perMinute() + "/min, burst "
          + bucket.rate().burst());
    }
    return String.join("; ", items);
  }

  static long ceilSeconds(long us) {
    return us <= 0 ? 0 : (us + 999_999) / 1_000_000;
  }
}
