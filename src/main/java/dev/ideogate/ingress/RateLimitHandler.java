package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.policy.ClientKeys.Principal;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.policy.RateLimiter;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The request-rate limit of the caller's key ({@code security.keyRateLimit}) and of its team ({@code rateLimit}),
 * checked right after authentication and before a byte of the body is read: a refused request costs one Redis
 * script, reserves no budget and takes no permit. Answers 429 {@code rate_limited} with Retry-After; every answer
 * that passed here carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}
 * (seconds) of the bucket with the fewest requests left, and {@code RateLimit-Policy}.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  private final Supplier<GatewaySettings> settings;
  private final RateLimitStore store;

  public RateLimitHandler(Supplier<GatewaySettings> settings, RateLimitStore store) {
    this.settings = settings;
    this.store = store;
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
      long retryAfterS = ceilSeconds(decision.retryAfterUs());
      ctx.fail(new GatewayException(ErrorCode.RATE_LIMITED, "request rate limit reached for key " + principal.keyId()
          + " of team " + principal.team() + " (" + policy(buckets) + "); retry in " + retryAfterS + " s",
          retryAfterS));
    });
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
