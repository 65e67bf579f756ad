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
    List<AdminKey> adminKeys,
    Batches batches) {

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

  /**
   * Batch jobs (ARCHITECTURE.md §13).
   *
   * @param maxLines lines one batch may hold
   * @param maxOpenPerTeam batches of one team not yet finished
   * @param maxBodyBytes the JSONL body (or file part) of {@code POST /v1/batches}
   * @param defaultRetention how long a finished batch and its images are kept when the submitter does not say
   * @param maxRetention the longest retention a submitter may ask for
   * @param linesPerReplica lines one replica runs at once (every batch, every team)
   * @param lineLease how long a claimed line stays with its replica, unless renewed, before another replica takes
   *     it over; its replica renews it every third of the lease while the line waits on its lane or runs, so it only
   *     bounds how soon the lines of a replica that died are taken over; shorter than {@code redis.holdLease}
   * @param imageDir the directory of the default object store
   * @param resultUrlTtl how long a signed result URL stays valid
   * @param urlSecret the key signing result URLs, the same on every replica; empty = a random key per process
   *     (one replica only: its URLs die with it)
   * @param s3 the S3-compatible bucket of the images; {@link S3#NONE}: the directory {@code imageDir}
   */
  public record Batches(int maxLines, int maxOpenPerTeam, long maxBodyBytes, Duration defaultRetention,
      Duration maxRetention, int linesPerReplica, Duration lineLease, String imageDir, Duration resultUrlTtl,
      String urlSecret, S3 s3) {
    public static final Batches DEFAULTS = new Batches(10_000, 5, 33_554_432L, Duration.ofDays(7),
        Duration.ofDays(30), 8, Duration.ofMinutes(2), "ideogate-images", Duration.ofDays(1), "", S3.NONE);

    @Override
    public String toString() {
      return "Batches[maxLines=" + maxLines + ", maxOpenPerTeam=" + maxOpenPerTeam + ", urlSecret=" + (urlSecret
          .isEmpty() ? "" : "***") + "]";
    }
  }

  /**
   * An S3-compatible bucket (AWS S3, MinIO, R2, GCS interoperability). Credentials come from the AWS SDK's default
   * chain (environment variables, profile, container or instance role), never from this file.
   *
   * @param endpoint empty = AWS S3 of {@code region}; else the service's URL, e.g. {@code http://minio:9000}
   * @param pathStyle {@code bucket} in the path rather than the host name (MinIO and most self-hosted services)
   */
  public record S3(String bucket, String endpoint, String region, boolean pathStyle) {
    public static final S3 NONE = new S3("", "", "us-east-1", false);

    public boolean enabled() {
      return !bucket.isEmpty();
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
