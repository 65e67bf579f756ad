package dev.ideogate.ingress;

import dev.ideogate.budget.Pricing;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.policy.ContentPolicy;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything a request decides with, compiled once from one config version: keys, prices, content policies. A
 * reload builds a new instance and swaps it atomically; a request keeps the version it started with.
 */
public record GatewaySettings(
    GatewayConfig config, ClientKeys clientKeys, Pricing pricing, Map<String, ContentPolicy> contentPolicies) {

  public static GatewaySettings compile(GatewayConfig config, Clock clock, Set<String> revokedKeyIds) {
    Map<String, ContentPolicy> policies = new LinkedHashMap<>();
    config.contentPolicies().forEach((tier, entries) -> policies.put(tier, ContentPolicy.compile(tier, entries)));
    return new GatewaySettings(
        config,
        new ClientKeys(config, clock).withRevoked(revokedKeyIds),
        new Pricing(config.priceOverridesMicroUsd()),
        Map.copyOf(policies));
  }

  public ContentPolicy contentPolicy(String tier) {
    ContentPolicy policy = contentPolicies.get(tier);
    if (policy == null) {
      throw new IllegalStateException("content policy " + tier + " missing; config validation should have caught it");
    }
    return policy;
  }
}
