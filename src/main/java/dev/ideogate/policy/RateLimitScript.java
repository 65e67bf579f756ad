package dev.ideogate.policy;

import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import dev.ideogate.redis.Reply;
import java.util.List;

/** Java side of {@code lua/rate_limit.lua}: the only code that knows its KEYS/ARGV order and its reply shape. */
final class RateLimitScript {
  private final LuaScript script = LuaScript.load("rate_limit");
  private final String keyPrefix;

  RateLimitScript(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  LuaScript lua() {
    return script;
  }

  /** {@code <prefix>:{t:<team>}:rate:<bucket>}: every bucket of a team in the team's cluster slot. */
  String tatKey(RateLimitStore.Bucket bucket) {
    return keyPrefix + ":{t:" + bucket.team() + "}:rate:" + bucket.name();
  }

  Future<RateLimiter.Decision> run(RedisConnector redis, List<RateLimitStore.Bucket> buckets) {
    if (buckets.isEmpty() || buckets.size() > 2) {
      return Future.failedFuture(new IllegalArgumentException("one or two buckets, got " + buckets.size()));
    }
    RateLimitStore.Bucket a = buckets.get(0);
    RateLimitStore.Bucket b = buckets.size() == 2 ? buckets.get(1) : null;
    if (b != null && !b.team().equals(a.team())) {
      return Future.failedFuture(new IllegalArgumentException("both buckets must belong to one team"));
    }
    List<String> keys = List.of(tatKey(a), b == null ? tatKey(a) : tatKey(b));
    List<String> args = List.of(
        Long.toString(a.rate().intervalUs()),
        Integer.toString(a.rate().burst()),
        b == null ? "0" : Long.toString(b.rate().intervalUs()),
        b == null ? "0" : Integer.toString(b.rate().burst()));
    return script.run(redis, keys, args).map(RateLimitScript::parse);
  }

  private static RateLimiter.Decision parse(Reply reply) {
    boolean admitted = reply.get(0).asInt() == 1;
    // The tats stay in Redis; the caller needs only the verdict and the header values.
    return new RateLimiter.Decision(admitted, List.of(), reply.get(1).asInt(), reply.get(2).asInt(),
        reply.get(3).asLong(), reply.get(4).asLong());
  }
}
