package dev.ideogate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the YAML of ARCHITECTURE.md §4 into a {@link GatewayConfig}: env substitution, defaults for everything optional,
 * and strict validation. Unknown keys are errors (a typo must never switch a limit off), and every problem is
 * collected and thrown at once as a {@link ConfigException} whose lines start with the dotted path.
 */
public final class ConfigLoader {
  public static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod", "demo");
  private static final String DEMO_RESOURCE = "/demo.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private ConfigLoader() {}

  public static GatewayConfig load(Path file, Function<String, String> env) {
    return parse(read(file), env);
  }

  public static GatewayConfig parse(String yaml, Function<String, String> env) {
    return parse(yaml, env, false);
  }

  /**
   * For the keys commands, which read only key metadata: an unset variable without a default becomes the text
   * {@code <unset NAME>} instead of an error, so they work without the upstream key variables.
   */
  public static GatewayConfig loadKeyMetadata(Path file, Function<String, String> env) {
    return parse(read(file), env, true);
  }

  private static GatewayConfig parse(String yaml, Function<String, String> env, boolean placeholdersForUnset) {
    List<String> errors = new ArrayList<>();
    ConfigSection root = new ConfigSection("", document(yaml), errors, env, placeholdersForUnset);

    String environment = root.oneOf("environment", "dev", ENVIRONMENTS);
    GatewayConfig.Server server = server(root.child("server"));
    GatewayConfig.Upstream upstream = upstream(root.child("upstream"));
    ConfigSection redisSection = root.child("redis");
    GatewayConfig.Redis redis = redis(redisSection);
    GatewayConfig.Budgets budgets = budgets(root.child("budgets"));
    Map<String, List<String>> policies = ContentPolicyTiers.read(root.child("contentPolicies"));
    Map<String, Long> prices = pricing(root.child("pricing"));
    ConfigSection auditSection = root.child("audit");
    GatewayConfig.Audit audit = new GatewayConfig.Audit(auditSection.bool("includePrompts", false));
    auditSection.rejectUnknownKeys();
    GatewayConfig.Tracing tracing = tracing(root.child("tracing"));
    ConfigSection securitySection = root.child("security");
    GatewayConfig.Security security = new GatewayConfig.Security(
        securitySection.integer("rotateAfterDays", 90, 1, 3650), TeamReader.rateLimit(securitySection, "keyRateLimit"));
    boolean tlsTerminatedByMesh = securitySection.bool("tlsTerminatedByMesh", false);
    securitySection.rejectUnknownKeys();
    if ("prod".equals(environment)) {
      prodGuards(root, server, upstream, redis, redisSection.bool("singleReplica", false), tlsTerminatedByMesh);
    }
    TeamReader teamReader = new TeamReader(Math.max(1, upstream.maxInFlightPerKey()), policies.keySet());
    Map<String, TeamConfig> teams = teamReader.teams(root.child("teams"));
    List<GatewayConfig.AdminKey> adminKeys = teamReader.adminKeys(root.sections("adminKeys"));
    GatewayConfig.Batches batches = batches(root.child("batches"), redis.holdLease());
    root.rejectUnknownKeys();

    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new GatewayConfig(environment, server, redis, upstream, budgets, policies, prices, audit, tracing,
        security, teams, adminKeys, batches);
  }

  /**
   * The configuration {@code serve --demo} runs with (resource {@code demo.yaml}): environment demo, the three
   * teams of the brief with fake upstream keys {@code sim-key-<team>}, client keys {@code igk_demo_<team>} and the
   * admin key {@code igk_demo_admin}.
   */
  public static GatewayConfig demo(String upstreamBaseUrl, int port, int managementPort) {
    String yaml;
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEMO_RESOURCE);
      }
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = Map.of(
        "DEMO_UPSTREAM_BASE_URL", upstreamBaseUrl,
        "DEMO_PORT", Integer.toString(port),
        "DEMO_MANAGEMENT_PORT", Integer.toString(managementPort));
    // REDIS_URL is the one variable the demo takes from the real environment, so the README can show real keys.
    return parse(yaml, name -> env.containsKey(name) ? env.get(name) : "REDIS_URL".equals(name) ? System.getenv(name) : null);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read (" + e.getClass().getSimpleName() + ")"));
    }
  }

  private static ObjectNode document(String yaml) {
    try {
      JsonNode root = YAML.readTree(yaml);
      if (root == null || root.isMissingNode() || root.isNull()) {
        return JsonNodeFactory.instance.objectNode();
      }
      if (root instanceof ObjectNode object) {
        return object;
      }
      throw new ConfigException(List.of("config: the document must be a mapping"));
    } catch (JsonProcessingException e) {
      // Only the location and the first line of the parser's message: never a quoted source line.
      String problem = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ConfigException(List.of("config: invalid YAML" + where + ": " + problem));
    }
  }

  private static GatewayConfig.Server server(ConfigSection s) {
    var server = new GatewayConfig.Server(
        s.string("host", "0.0.0.0"),
        s.integer("port", 8080, 0, 65535),
        s.integer("managementPort", 9090, 0, 65535),
        s.number("maxBodyBytes", 26_214_400L, 1, Integer.MAX_VALUE),
        s.number("maxFileBytes", 10_485_760L, 1, Integer.MAX_VALUE),
        s.integer("maxParts", 16, 1, 1000),
        s.integer("maxHeaderBytes", 16_384, 1024, 1_048_576),
        s.duration("idleTimeout", Duration.ofSeconds(60)),
        s.duration("requestReadTimeout", Duration.ofSeconds(30)),
        s.duration("drainGrace", Duration.ofSeconds(30)),
        s.string("publicBaseUrl", ""),
        s.has("headerTimeout") ? s.duration("headerTimeout", Duration.ofSeconds(10)) : null,
        tls(s),
        s.number("maxBufferedBodyBytes", GatewayConfig.Server.DEFAULT_MAX_BUFFERED_BODY_BYTES, 1, Long.MAX_VALUE),
        s.integer("maxConcurrentUploadsPerKey", GatewayConfig.Server.DEFAULT_MAX_CONCURRENT_UPLOADS_PER_KEY, 1,
            100_000));
    if (server.headerTimeout() == null) {
      server = new GatewayConfig.Server(server.host(), server.port(), server.managementPort(), server.maxBodyBytes(),
          server.maxFileBytes(), server.maxParts(), server.maxHeaderBytes(), server.idleTimeout(),
          server.requestReadTimeout(), server.drainGrace(), server.publicBaseUrl(), server.requestReadTimeout(),
          server.tls(), server.maxBufferedBodyBytes(), server.maxConcurrentUploadsPerKey());
    }
    if (server.port() != 0 && server.port() == server.managementPort()) {
      s.error("managementPort", "must differ from port");
    }
    if (server.maxFileBytes() > server.maxBodyBytes()) {
      s.error("maxFileBytes", "must not exceed maxBodyBytes");
    }
    if (server.maxBufferedBodyBytes() < server.maxBodyBytes()) {
      s.error("maxBufferedBodyBytes", "must be at least maxBodyBytes, or no maximal body could ever be read");
    }
    if (server.host().isBlank()) {
      s.error("host", "must not be empty");
    }
    s.rejectUnknownKeys();
    return server;
  }

  /** {@code batches:} (ARCHITECTURE.md §13); every key optional. */
  private static GatewayConfig.Batches batches(ConfigSection s, Duration holdLease) {
    GatewayConfig.Batches d = GatewayConfig.Batches.DEFAULTS;
    var batches = new GatewayConfig.Batches(
        s.integer("maxLines", d.maxLines(), 1, 1_000_000),
        s.integer("maxOpenPerTeam", d.maxOpenPerTeam(), 1, 10_000),
        s.number("maxBodyBytes", d.maxBodyBytes(), 1, Integer.MAX_VALUE),
        s.duration("defaultRetention", d.defaultRetention()),
        s.duration("maxRetention", d.maxRetention()),
        s.integer("linesPerReplica", d.linesPerReplica(), 1, 1000),
        s.duration("lineLease", d.lineLease().compareTo(holdLease) < 0 ? d.lineLease() : holdLease.dividedBy(2)),
        s.string("imageDir", d.imageDir()),
        s.duration("resultUrlTtl", d.resultUrlTtl()),
        s.string("urlSecret", d.urlSecret()),
        s3(s));
    if (batches.defaultRetention().compareTo(batches.maxRetention()) > 0) {
      s.error("defaultRetention", "must not exceed maxRetention");
    }
    // the default (half the hold lease when that is under 4m) always fits; only a configured lease is checked
    if (s.has("lineLease") && batches.lineLease().toMillis() < 1000) {
      s.error("lineLease", "must be at least 1s");
    }
    if (s.has("lineLease") && batches.lineLease().compareTo(holdLease) >= 0) {
      // a takeover must find the vanished replica's hold still open, never charged already
      s.error("lineLease", "must be shorter than redis.holdLease (" + Durations.format(holdLease) + ")");
    }
    if (!batches.urlSecret().isEmpty() && batches.urlSecret().length() < 16) {
      s.error("urlSecret", "must be at least 16 characters");
    }
    if (batches.imageDir().isBlank()) {
      s.error("imageDir", "must not be empty");
    }
    s.rejectUnknownKeys();
    return batches;
  }

  /** {@code batches.s3: {bucket, endpoint?, region?, pathStyle?}}; absent = the image directory. */
  private static GatewayConfig.S3 s3(ConfigSection batches) {
    if (!batches.has("s3")) {
      batches.child("s3");
      return GatewayConfig.S3.NONE;
    }
    ConfigSection s = batches.child("s3");
    String bucket = s.required("bucket");
    String endpoint = s.string("endpoint", "");
    if (!endpoint.isEmpty() && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      s.error("endpoint", "must be an http:// or https:// URL");
    }
    var s3 = new GatewayConfig.S3(bucket == null ? "" : bucket, endpoint, s.string("region", "us-east-1"),
        s.bool("pathStyle", false));
    s.rejectUnknownKeys();
    return s3;
  }

  /** {@code server.tls: {certFile, keyFile, checkInterval?}}; absent = plain HTTP. */
  private static GatewayConfig.Tls tls(ConfigSection server) {
    if (!server.has("tls")) {
      server.child("tls");
      return GatewayConfig.Tls.NONE;
    }
    ConfigSection s = server.child("tls");
    String cert = s.required("certFile");
    String key = s.required("keyFile");
    Duration interval = s.duration("checkInterval", Duration.ofSeconds(10));
    if (interval.toMillis() < 100) {
      s.error("checkInterval", "must be at least 100ms");
    }
    for (String[] file : new String[][] {{"certFile", cert}, {"keyFile", key}}) {
      if (file[1] != null && !readable(file[1])) {
        s.error(file[0], "cannot read file " + file[1]);
      }
    }
    s.rejectUnknownKeys();
    return new GatewayConfig.Tls(cert == null ? "" : cert, key == null ? "" : key, interval);
  }

  private static boolean readable(String file) {
    try {
      return Files.isReadable(Path.of(file));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  private static GatewayConfig.Upstream upstream(ConfigSection s) {
    String baseUrl = s.string("baseUrl", "https://api.ideogram.ai");
    if (!isHttpUrl(baseUrl)) {
      s.error("baseUrl", "must be an http or https URL, got '" + baseUrl + "'");
    }
    int maxInFlight = s.integer("maxInFlightPerKey", 10, 1, 10_000);
    Duration timeout = s.duration("timeout", Duration.ofSeconds(120));
    ConfigSection r = s.child("retry");
    var retry = new GatewayConfig.Retry(
        r.integer("maxAttempts", 6, 1, 100),
        r.duration("baseDelay", Duration.ofMillis(500)),
        r.duration("maxDelay", Duration.ofSeconds(20)));
    if (retry.maxDelay().compareTo(retry.baseDelay()) < 0) {
      r.error("maxDelay", "must be at least baseDelay");
    }
    r.rejectUnknownKeys();
    Duration permitLease = s.duration("permitLease", Duration.ofSeconds(30));
    Duration permitHeartbeat = s.duration("permitHeartbeat", Duration.ofSeconds(10));
    if (permitHeartbeat.compareTo(permitLease) >= 0) {
      s.error("permitHeartbeat", "must be shorter than permitLease (" + Durations.format(permitLease) + ")");
    }
    s.rejectUnknownKeys();
    return new GatewayConfig.Upstream(baseUrl, maxInFlight, timeout, retry, permitLease, permitHeartbeat);
  }

  private static GatewayConfig.Tracing tracing(ConfigSection s) {
    GatewayConfig.Tracing off = GatewayConfig.Tracing.OFF;
    boolean enabled = s.bool("enabled", off.enabled());
    String endpoint = s.string("otlpEndpoint", off.otlpEndpoint());
    if (!isHttpUrl(endpoint)) {
      s.error("otlpEndpoint", "must be an http or https URL, got '" + endpoint + "'");
    }
    String ratioText = s.string("sampleRatio", Double.toString(off.sampleRatio()));
    double ratio = off.sampleRatio();
    try {
      ratio = Double.parseDouble(ratioText.trim());
      if (!(ratio >= 0 && ratio <= 1)) {
        s.error("sampleRatio", "must be between 0 and 1, got " + ratioText);
      }
    } catch (NumberFormatException e) {
      s.error("sampleRatio", "must be a number between 0 and 1, got '" + ratioText + "'");
    }
    String serviceName = s.string("serviceName", off.serviceName());
    if (serviceName.isBlank()) {
      s.error("serviceName", "must not be empty");
    }
    s.rejectUnknownKeys();
    return new GatewayConfig.Tracing(enabled, endpoint, ratio, serviceName);
  }

  private static GatewayConfig.Redis redis(ConfigSection s) {
    var redis = new GatewayConfig.Redis(
        s.string("url", "").trim(),
        s.oneOf("mode", "standalone", List.of("standalone", "sentinel", "cluster")),
        s.oneOf("failMode", "closed", List.of("closed", "open")),
        s.duration("commandTimeout", Duration.ofSeconds(1)),
        s.string("keyPrefix", "ideogate"),
        s.duration("holdLease", Duration.ofSeconds(30)),
        s.integer("poolSize", 32, 1, 1024),
        s.string("sentinelMaster", GatewayConfig.Redis.DEFAULT_SENTINEL_MASTER).trim());
    if (!redis.keyPrefix().matches("[A-Za-z0-9_.-]{1,64}")) {
      s.error("keyPrefix", "must match [A-Za-z0-9_.-]{1,64}");
    }
    // Holds of running calls are renewed every third of the lease (ARCHITECTURE.md §7), so the lease need not outlive
    // the call, only a renewal that takes a whole command timeout.
    if (redis.holdLease().compareTo(redis.commandTimeout().multipliedBy(2)) < 0) {
      s.error("holdLease", "must be at least twice redis.commandTimeout (" + Durations.format(redis.commandTimeout())
          + "): the heartbeat renews a hold every third of its lease");
    }
    if (!redis.sentinelMaster().matches("[A-Za-z0-9_.-]{1,128}")) {
      s.error("sentinelMaster", "must match [A-Za-z0-9_.-]{1,128}");
    }
    if (redis.enabled() && !redis.url().matches("(?i)rediss?://.+")) {
      s.error("url", "must start with redis:// or rediss://");
    }
    s.bool("singleReplica", false); // read by the prod guards
    s.rejectUnknownKeys();
    return redis;
  }

  /**
   * What {@code environment: prod} refuses (ARCHITECTURE.md §11, "production guards"), each error naming its setting:
   * no Redis (every replica would keep its own budget and its own in-flight limit) unless
   * {@code redis.singleReplica: true}; and, unless {@code security.tlsTerminatedByMesh: true} says a service mesh
   * encrypts every hop, a plaintext client port, an {@code http://} upstream and {@code redis://} without TLS.
   */
  private static void prodGuards(ConfigSection root, GatewayConfig.Server server, GatewayConfig.Upstream upstream,
      GatewayConfig.Redis redis, boolean singleReplica, boolean tlsTerminatedByMesh) {
    String mesh = " in prod (set security.tlsTerminatedByMesh: true if a service mesh encrypts this hop)";
    if (!redis.enabled() && !singleReplica) {
      root.child("redis").error("url", "required in prod: without Redis every replica keeps its own budget and its"
          + " own in-flight limit per upstream key (set redis.singleReplica: true to run exactly one replica)");
    }
    if (tlsTerminatedByMesh) {
      return;
    }
    if (!server.tls().enabled()) {
      root.child("server").error("tls", "required" + mesh + ": the client port would serve API keys in plaintext");
    }
    if (upstream.baseUrl().regionMatches(true, 0, "http://", 0, 7)) {
      root.child("upstream").error("baseUrl", "must use https://" + mesh + ", got an http:// URL");
    }
    if (redis.enabled() && redis.url().regionMatches(true, 0, "redis://", 0, 8)) {
      root.child("redis").error("url", "must use rediss:// (TLS)" + mesh + ", got redis://");
    }
  }

  private static GatewayConfig.Budgets budgets(ConfigSection s) {
    String zone = s.string("timezone", "UTC");
    ZoneId timezone = ZoneOffset.UTC;
    try {
      timezone = ZoneId.of(zone);
    } catch (DateTimeException e) {
      s.error("timezone", "not a time zone id (e.g. UTC, Europe/Paris): '" + zone + "'");
    }
    s.rejectUnknownKeys();
    return new GatewayConfig.Budgets(timezone);
  }

  /** Unit price overrides, free-form keys ("V_2", "V3_DEFAULT") whose meaning belongs to the pricing table. */
  private static Map<String, Long> pricing(ConfigSection s) {
    Map<String, Long> prices = new LinkedHashMap<>();
    for (String key : s.keys()) {
      Long amount = s.usd(key);
      if (amount != null) {
        prices.put(key, amount);
      }
    }
    return Collections.unmodifiableMap(prices);
  }

  private static boolean isHttpUrl(String text) {
    try {
      URI uri = URI.create(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
