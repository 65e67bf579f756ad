package dev.ideogate.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration (ARCHITECTURE.md §4). Built only by {@link ConfigLoader}; every amount of money is
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
    Tracing tracing,
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
      String publicBaseUrl,
      Duration headerTimeout,
      Tls tls,
      long maxBufferedBodyBytes,
      int maxConcurrentUploadsPerKey) {
    public static final long DEFAULT_MAX_BUFFERED_BODY_BYTES = 256L << 20;
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS_PER_KEY = 4;

    /** Without the hardening fields: no TLS, header deadline = requestReadTimeout, default memory caps. */
    public Server(String host, int port, int managementPort, long maxBodyBytes, long maxFileBytes, int maxParts,
        int maxHeaderBytes, Duration idleTimeout, Duration requestReadTimeout, Duration drainGrace,
        String publicBaseUrl) {
      this(host, port, managementPort, maxBodyBytes, maxFileBytes, maxParts, maxHeaderBytes, idleTimeout,
          requestReadTimeout, drainGrace, publicBaseUrl, requestReadTimeout, Tls.NONE, DEFAULT_MAX_BUFFERED_BODY_BYTES,
          DEFAULT_MAX_CONCURRENT_UPLOADS_PER_KEY);
    }
  }

  /**
   * HTTPS on both ports from PEM files (a cert-manager Secret mounts them), re-read when they change.
   *
   * @param certFile PEM certificate chain, leaf first; empty = plain HTTP
   * @param keyFile PEM private key (PKCS#8 or PKCS#1)
   * @param checkInterval how often the files are checked for a change
   */
  public record Tls(String certFile, String keyFile, Duration checkInterval) {
    public static final Tls NONE = new Tls("", "", Duration.ofSeconds(10));

    public boolean enabled() {
      return certFile != null && !certFile.isBlank();
    }
  }

  /**
   * url empty = in-memory stores (one replica only). mode: standalone | sentinel | cluster. sentinelMaster: the
   * master name the sentinels are asked for (mode sentinel).
   */
  public record Redis(
      String url,
      String mode,
      String failMode,
      Duration commandTimeout,
      String keyPrefix,
      Duration holdLease,
      int poolSize,
      String sentinelMaster) {
    public static final String DEFAULT_SENTINEL_MASTER = "mymaster";

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

  /**
   * OpenTelemetry traces (ARCHITECTURE.md §9). Trace context is read, propagated upstream and logged whatever
   * {@code enabled} says; {@code enabled} only decides whether spans are recorded and exported.
   *
   * @param otlpEndpoint the collector's OTLP/HTTP traces URL
   * @param sampleRatio share of new traces (no sampled parent) that are recorded, 0..1; a caller's sampled
   *     {@code traceparent} is always followed
   */
  public record Tracing(boolean enabled, String otlpEndpoint, double sampleRatio, String serviceName) {
    public static final Tracing OFF = new Tracing(false, "http://localhost:4318/v1/traces", 1.0, "ideogate");
  }

  /** @param keyRateLimit the request-rate limit of every client key on its own; NONE = only the team's limit */
  public record Security(int rotateAfterDays, TeamConfig.RateLimit keyRateLimit) {
    public Security(int rotateAfterDays) {
      this(rotateAfterDays, TeamConfig.RateLimit.NONE);
    }
  }

  /** A management-port key (scope admin), not bound to a team. */
  /**
   * An admin key of the management port.
   *
   * @param expiresAt refused from this instant on (like a client key's); null never expires
   */
  public record AdminKey(String id, String sha256, java.time.Instant expiresAt) {
    public AdminKey(String id, String sha256) {
      this(id, sha256, null);
    }
  }

  public TeamConfig team(String id) {
    return teams.get(id);
  }
}
