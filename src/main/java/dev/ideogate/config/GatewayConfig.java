package dev.ideogate.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration (DESIGN §4). Built only by {@link ConfigLoader}; every amount of money is
 * already micro-USD and every duration a {@link Duration}, so no caller parses text.
 */
public record GatewayConfig(
    String environment,
    Server server,
    Redis redis,
    Upstream upstream,
    Budgets budgets,
    Map<String, List<String>> contentPolicies,
    Map<String, Long> priceOverridesMicroUsd,
    Audit audit,
    Security security,
    Map<String, TeamConfig> teams,
    List<AdminKey> adminKeys) {

  public record Server(
      String host,
      int port,
      int managementPort,
      long maxBodyBytes,
      long maxFileBytes,
      int maxParts,
      int maxHeaderBytes,
      Duration idleTimeout,
      Duration requestReadTimeout,
      Duration drainGrace,
      String publicBaseUrl) {}

  /** url empty = in-memory stores (one replica only). mode: standalone | sentinel | cluster. */
  public record Redis(
      String url,
      String mode,
      String failMode,
      Duration commandTimeout,
      String keyPrefix,
      Duration holdLease,
      int poolSize) {
    public boolean enabled() {
      return url != null && !url.isBlank();
    }

    public boolean failOpen() {
      return "open".equals(failMode);
    }
  }

  public record Upstream(
      String baseUrl,
      int maxInFlightPerKey,
      Duration timeout,
      Retry retry,
      Duration permitLease,
      Duration permitHeartbeat) {}

  public record Retry(int maxAttempts, Duration baseDelay, Duration maxDelay) {}

  public record Budgets(ZoneId timezone) {}

  public record Audit(boolean includePrompts) {}

  public record Security(int rotateAfterDays) {}

  /** A management-port key (scope admin), not bound to a team. */
  public record AdminKey(String id, String sha256) {}

  public TeamConfig team(String id) {
    return teams.get(id);
  }
}
