package dev.ideogate;

import dev.ideogate.config.GatewayConfig;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ingress.IngressGuards;
import dev.ideogate.ingress.KeyAdminRoutes;
import dev.ideogate.policy.InMemoryKeyUsageStore;
import dev.ideogate.policy.InMemoryRateLimitStore;
import dev.ideogate.policy.InMemoryRevocationStore;
import dev.ideogate.policy.KeyUsageStore;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.policy.RedisKeyUsageStore;
import dev.ideogate.policy.RedisRateLimitStore;
import dev.ideogate.policy.RedisRevocationStore;
import dev.ideogate.policy.RevocationStore;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The stores behind rate limits, key usage counters and emergency revocation: in Redis (one connection pool shared
 * by the three) when {@code redis.url} is set, else in memory for a single replica.
 */
record KeySecurity(RateLimitStore rateLimits, KeyUsageStore keyUsage, RevocationStore revocations,
    RedisConnector redis, Clock clock) {

  static KeySecurity create(Vertx vertx, GatewayConfig config, Clock clock) {
    if (!config.redis().enabled()) {
      return new KeySecurity(InMemoryRateLimitStore.of(clock), new InMemoryKeyUsageStore(clock),
          new InMemoryRevocationStore(), null, clock);
    }
    RedisSettings settings = RedisSettings.of(config.redis());
    RedisConnector redis = new RedisConnector(vertx, settings);
    return new KeySecurity(new RedisRateLimitStore(redis, settings.keyPrefix(), settings.failOpen(), clock),
        new RedisKeyUsageStore(redis, settings.keyPrefix(), clock),
        new RedisRevocationStore(vertx, redis, settings), redis, clock);
  }

  IngressGuards guards() {
    return new IngressGuards(rateLimits, keyUsage);
  }

  KeyAdminRoutes adminRoutes(Supplier<GatewaySettings> settings) {
    return new KeyAdminRoutes(settings, keyUsage, revocations, clock);
  }

  Future<Void> close() {
    return revocations.close().recover(e -> Future.succeededFuture())
        .compose(v -> redis == null ? Future.succeededFuture() : redis.close());
  }
}
