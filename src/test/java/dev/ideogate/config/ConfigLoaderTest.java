package dev.ideogate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.policy.ClientKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ConfigLoaderTest {
  public static final Map<String, String> SAMPLE_ENV = Map.of(
      "IDEOGRAM_KEY_MARKETING", "ideo-secret-marketing",
      "IDEOGRAM_KEY_PRODUCT", "ideo-secret-product",
      "IDEOGRAM_KEY_SOCIAL", "ideo-secret-social");
  static final Path SAMPLE = Path.of("conf/ideogate.yaml");

  public static final String MINIMAL = """
      teams:
        marketing:
          upstreamKey: k-1
          dailyBudgetUsd: 20
          allowedModels: [V_2]
          allowedStyles: [DESIGN]
      """;

  static GatewayConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, Map.<String, String>of()::get);
  }

  static List<String> errorsOf(String yaml, Function<String, String> env) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, env)).errors();
  }

  static List<String> errorsOf(String yaml) {
    return errorsOf(yaml, Map.<String, String>of()::get);
  }

  @Test
  void loadsTheSampleConfigWhenItsEnvVarsAreSet() {
    GatewayConfig config = ConfigLoader.load(SAMPLE, SAMPLE_ENV::get);

    assertEquals(List.of("marketing", "product", "social"), List.copyOf(config.teams().keySet()));
    TeamConfig marketing = config.team("marketing");
    assertEquals("ideo-secret-marketing", marketing.upstreamKey());
    assertEquals(20_000_000L, marketing.dailyBudgetMicroUsd());
    assertEquals(OptionalLong.empty(), marketing.monthlyBudgetMicroUsd());
    assertEquals(Set.of("V_2", "V_2_TURBO"), marketing.allowedModels());
    assertEquals(Set.of("DESIGN", "REALISTIC"), marketing.allowedStyles());
    assertEquals(5, marketing.maxConcurrency());
    assertEquals("strict", marketing.contentPolicy());
    assertEquals(Instant.parse("2027-03-01T00:00:00Z"), marketing.clientKeys().get(0).expiresAt());
    TeamConfig product = config.team("product");
    assertEquals(50_000_000L, product.dailyBudgetMicroUsd());
    assertEquals(Set.of("V_2", "V_2_TURBO", "V_3", "V_4"), product.allowedModels());
    assertEquals(8, product.maxConcurrency());
    assertEquals("moderate", product.contentPolicy());
    assertEquals(new TeamConfig.RateLimit(600, 60), product.rateLimit());
    TeamConfig social = config.team("social");
    assertEquals(10_000_000L, social.dailyBudgetMicroUsd());
    assertEquals(Set.of("V_2_TURBO"), social.allowedModels());
    assertEquals(Set.of("DESIGN", "ANIME", "GENERAL"), social.allowedStyles());
    assertEquals(3, social.maxConcurrency());
    assertFalse(config.redis().enabled());
  }

  @Test
  void appliesEveryDefaultToAMinimalFile() {
    GatewayConfig config = parse(MINIMAL);

    assertEquals("dev", config.environment());
    assertEquals(new GatewayConfig.Server("0.0.0.0", 8080, 9090, 26_214_400L, 10_485_760L, 16, 16_384,
        Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30), ""), config.server());
    assertEquals(new GatewayConfig.Redis("", "standalone", "closed", Duration.ofSeconds(1), "ideogate",
        Duration.ofSeconds(30), 32, "mymaster"), config.redis());
    assertEquals(new GatewayConfig.Upstream("https://api.ideogram.ai", 10, Duration.ofSeconds(120),
        new GatewayConfig.Retry(6, Duration.ofMillis(500), Duration.ofSeconds(20)), Duration.ofSeconds(30),
        Duration.ofSeconds(10)), config.upstream());
    assertEquals(ZoneId.of("UTC"), config.budgets().timezone());
    assertEquals(Set.of("strict", "moderate", "permissive"), config.contentPolicies().keySet());
    assertEquals(Map.of(), config.priceOverridesMicroUsd());
    assertFalse(config.audit().includePrompts());
    assertEquals(GatewayConfig.Tracing.OFF, config.tracing());
    assertFalse(config.tracing().enabled(), "no span leaves the process unless tracing is enabled");
    assertEquals(90, config.security().rotateAfterDays());
    assertEquals(List.of(), config.adminKeys());
    TeamConfig team = config.team("marketing");
    assertEquals("marketing", team.name());
    assertEquals(1000, team.maxQueued());
    assertEquals(Duration.ofSeconds(60), team.maxQueueWait());
    assertEquals("redact-logs", team.pii());
    assertEquals(TeamConfig.RateLimit.NONE, team.rateLimit());
    assertEquals(Set.of(), team.allowedSpeeds());
    assertEquals(10, team.maxConcurrency());
  }

  @Test
  void parsesUsdAmountsExactlyFromTheirDecimalText() {
    GatewayConfig config = parse(MINIMAL.replace("dailyBudgetUsd: 20", "dailyBudgetUsd: 6.85\n    monthlyBudgetUsd: "
        + "\"100.000001\"") + "pricing: { V_2: 0.08, V3_DEFAULT: \"0.06\", TINY: 0.1 }\n");

    assertEquals(6_850_000L, config.team("marketing").dailyBudgetMicroUsd());
    assertEquals(OptionalLong.of(100_000_001L), config.team("marketing").monthlyBudgetMicroUsd());
    assertEquals(Map.of("V_2", 80_000L, "V3_DEFAULT", 60_000L, "TINY", 100_000L), config.priceOverridesMicroUsd());
  }

  @Test
  void readsTheTracingSection() {
    GatewayConfig config = parse(MINIMAL + """
        tracing:
          enabled: true
          otlpEndpoint: "http://otel-collector.observability:4318/v1/traces"
          sampleRatio: 0.25
          serviceName: ideogate-prod
        """);

    assertEquals(new GatewayConfig.Tracing(true, "http://otel-collector.observability:4318/v1/traces", 0.25,
        "ideogate-prod"), config.tracing());
  }

  @Test
  void rejectsABadTracingSectionLineByLine() {
    List<String> errors = errorsOf(MINIMAL + """
        tracing:
          enabled: maybe
          otlpEndpoint: "otel-collector:4317"
          sampleRatio: 1.5
          serviceName: ""
          exporter: jaeger
        """);

    assertEquals(List.of("tracing.enabled: expected true or false, got 'maybe'",
        "tracing.otlpEndpoint: must be an http or https URL, got 'otel-collector:4317'",
        "tracing.sampleRatio: must be between 0 and 1, got 1.5",
        "tracing.serviceName: must not be empty",
        "tracing.exporter: unknown key"), errors);
    assertEquals(List.of("tracing.sampleRatio: must be a number between 0 and 1, got 'half'"),
        errorsOf(MINIMAL + "tracing: { sampleRatio: half }\n"));
  }

  @Test
  void namesAnUnknownKeyWithItsPath() {
    List<String> errors = errorsOf(MINIMAL.replace("dailyBudgetUsd: 20", "dailyBudgetUsd: 20\n    dailyBudgetUSD: 5"));

    assertEquals(List.of("teams.marketing.dailyBudgetUSD: unknown key"), errors);
  }

  @Test
  void listsEveryErrorAtOnce() {
    String yaml = """
        environment: production
        colour: blue
        server: { port: 70000, idleTimeout: 60 }
        redis: { mode: sharded, failMode: maybe, holdLease: 1s }
        upstream: { timeout: 2 minutes, retry: { maxAttempts: 0 } }
        budgets: { timezone: Mars/Olympus }
        teams:
          marketing:
            upstreamKey: k-1
            dailyBudgetUsd: -3
            allowedModels: [V_2, V_9]
            allowedStyles: [DESIGN, PASTEL]
            allowedSpeeds: [WARP]
            maxConcurrency: 11
            contentPolicy: lenient
            pii: hide
            clientKeys:
              - { id: a, sha256: "ABC", scopes: [images:generate, images:paint], expiresAt: "next year" }
        """;

    List<String> errors = errorsOf(yaml);

    List<String> expectedPrefixes = List.of("environment:", "colour: unknown key", "server.port:",
        "server.idleTimeout:", "redis.mode:", "redis.failMode:", "redis.holdLease:", "upstream.timeout:",
        "upstream.retry.maxAttempts:", "budgets.timezone:", "teams.marketing.dailyBudgetUsd:",
        "teams.marketing.allowedModels: unknown value 'V_9'", "teams.marketing.allowedStyles: unknown value 'PASTEL'",
        "teams.marketing.allowedSpeeds: unknown value 'WARP'", "teams.marketing.maxConcurrency: must be in 1..10",
        "teams.marketing.contentPolicy:", "teams.marketing.pii:", "teams.marketing.clientKeys[0].sha256:",
        "teams.marketing.clientKeys[0].scopes: unknown scope 'images:paint'", "teams.marketing.clientKeys[0].expiresAt:");
    for (String prefix : expectedPrefixes) {
      assertTrue(errors.stream().anyMatch(e -> e.startsWith(prefix)), () -> prefix + " not in " + errors);
    }
    assertEquals(expectedPrefixes.size(), errors.size(), errors::toString);
  }

  @Test
  void rejectsADurationWithoutAUnit() {
    List<String> errors = errorsOf(MINIMAL + "upstream: { timeout: 120 }\n");

    assertEquals(List.of("upstream.timeout: expected a duration like 500ms, 120s, 2m, 1h or 7d, got '120'"), errors);
  }

  @Test
  void parsesEveryDurationUnit() {
    GatewayConfig config = parse(MINIMAL
        + "upstream: { timeout: 2m, retry: { baseDelay: 250ms, maxDelay: 1h }, permitLease: 45s }\n"
        + "redis: { holdLease: 1d }\n");

    assertEquals(Duration.ofMinutes(2), config.upstream().timeout());
    assertEquals(Duration.ofMillis(250), config.upstream().retry().baseDelay());
    assertEquals(Duration.ofHours(1), config.upstream().retry().maxDelay());
    assertEquals(Duration.ofSeconds(45), config.upstream().permitLease());
    assertEquals(Duration.ofDays(1), config.redis().holdLease());
  }

  @Test
  void readsTheSentinelMasterName() {
    GatewayConfig config = parse(MINIMAL.replace("teams:", "redis: { mode: sentinel, sentinelMaster: cache-primary }\nteams:"));
    assertEquals("cache-primary", config.redis().sentinelMaster());
    assertEquals("redis.sentinelMaster: must match [A-Za-z0-9_.-]{1,128}",
        errorsOf(MINIMAL.replace("teams:", "redis: { sentinelMaster: \"a b\" }\nteams:")).get(0));
  }

  @Test
  void requiresTheHoldLeaseToSpanTwoCommandTimeoutsButNotTheUpstreamCall() {
    List<String> errors = errorsOf(MINIMAL + "redis: { holdLease: 1500ms }\n");

    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith("redis.holdLease: must be at least twice redis.commandTimeout (1s)"),
        errors::toString);
    assertEquals(Duration.ofMinutes(5), parse(MINIMAL + "upstream: { timeout: 300s }\n").upstream().timeout(),
        "a call may outlast the lease: the heartbeat renews its hold");
  }

  @Test
  void namesAMissingEnvVarButNeverAnyValue() {
    Map<String, String> env = Map.of("IDEOGRAM_KEY_MARKETING", "ideo-secret-marketing",
        "IDEOGRAM_KEY_SOCIAL", "ideo-secret-social");

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(SAMPLE, env::get));

    assertEquals(List.of("teams.product.upstreamKey: environment variable IDEOGRAM_KEY_PRODUCT is not set"),
        e.errors());
    assertFalse(e.getMessage().contains("ideo-secret"));
  }

  @Test
  void substitutesDefaultsAndTreatsAnEmptyVariableAsUnsetForThem() {
    String yaml = MINIMAL.replace("upstreamKey: k-1", "upstreamKey: \"${KEY}\"")
        + "server: { port: \"${PORT:-8081}\", publicBaseUrl: \"https://${HOST:-gw.example}/x\" }\n";

    GatewayConfig config = ConfigLoader.parse(yaml, Map.of("KEY", "a\"b#c: d", "HOST", "")::get);

    assertEquals("a\"b#c: d", config.team("marketing").upstreamKey());
    assertEquals(8081, config.server().port());
    assertEquals("https://gw.example/x", config.server().publicBaseUrl());
  }

  @Test
  void neverQuotesAValueFromTheEnvironmentInAnError() {
    String yaml = MINIMAL + "upstream: { baseUrl: \"${BASE}\", timeout: \"${T}\" }\n"
        + "pricing: { V_2: \"${PRICE}\" }\n";

    List<String> errors = errorsOf(yaml, Map.of("BASE", "not a url s3cr3t", "T", "s3cr3t", "PRICE", "s3cr3t")::get);

    assertEquals(3, errors.size(), errors::toString);
    assertTrue(errors.stream().noneMatch(e -> e.contains("s3cr3t")), errors::toString);
    assertTrue(errors.contains("upstream.baseUrl: must be an http or https URL, got '<value from env>'"),
        errors::toString);
  }

  @Test
  void readsTheUpstreamKeyFromAMountedFileTrimmed(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("marketing-key");
    Files.writeString(secret, "  file-secret\n");

    GatewayConfig config = parse(MINIMAL.replace("upstreamKey: k-1", "upstreamKeyFile: " + secret));

    assertEquals("file-secret", config.team("marketing").upstreamKey());
  }

  @Test
  void rejectsAMissingKeyFileWithoutGuessingAtItsContent(@TempDir Path dir) {
    List<String> errors = errorsOf(MINIMAL.replace("upstreamKey: k-1", "upstreamKeyFile: " + dir.resolve("none")));

    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith("teams.marketing.upstreamKeyFile: cannot read file"), errors::toString);
  }

  @Test
  void rejectsDuplicateKeyIdsAndHashesAcrossTeams() {
    String hash = "a".repeat(64);
    String yaml = """
        teams:
          a:
            upstreamKey: k-1
            dailyBudgetUsd: 1
            allowedModels: [V_2]
            allowedStyles: [DESIGN]
            clientKeys: [{ id: same, sha256: "%1$s", scopes: [usage:read] }]
          b:
            upstreamKey: k-2
            dailyBudgetUsd: 1
            allowedModels: [V_2]
            allowedStyles: [DESIGN]
            clientKeys: [{ id: same, sha256: "%1$s", scopes: [usage:read] }]
        adminKeys: [{ id: root, sha256: "%1$s" }]
        """.formatted(hash);

    List<String> errors = errorsOf(yaml);

    assertEquals(List.of(
        "teams.b.clientKeys[0].id: duplicate key id 'same' (also used in team a)",
        "teams.b.clientKeys[0].sha256: the same key hash is already configured at teams.a.clientKeys[0]",
        "adminKeys[0].sha256: the same key hash is already configured at teams.a.clientKeys[0]"), errors);
  }

  @Test
  void readsDatesAndInstantsForKeyTimes() {
    GatewayConfig config = parse(MINIMAL + """
            clientKeys:
              - { id: k1, sha256: "%s", scopes: [images:generate, usage:read], createdAt: 2026-01-02T03:04:05Z, expiresAt: 2027-03-01 }
        """.formatted("b".repeat(64)).replace("        ", "    "));

    ClientKeyConfig key = config.team("marketing").clientKeys().get(0);
    assertEquals(Instant.parse("2026-01-02T03:04:05Z"), key.createdAt());
    assertEquals(Instant.parse("2027-03-01T00:00:00Z"), key.expiresAt());
    assertEquals(Set.of("images:generate", "usage:read"), key.scopes());
  }

  @Test
  void acceptsCustomContentPoliciesAndEncodesTheirCategories() {
    GatewayConfig config = parse(MINIMAL.replace("allowedStyles: [DESIGN]",
        "allowedStyles: [DESIGN]\n    contentPolicy: embargo")
        + "contentPolicies:\n  embargo: { brand: ['(?i)\\bfalcon\\b'] }\n  flat: ['violence:gore', 'plain']\n");

    assertEquals(List.of("brand:(?i)\\bfalcon\\b"), config.contentPolicies().get("embargo"));
    assertEquals(List.of("violence:gore", "custom:plain"), config.contentPolicies().get("flat"));
    assertTrue(config.contentPolicies().get("strict").contains("brand:(?i)\\bcoca[- ]?cola\\b"));
  }

  @Test
  void builtInPoliciesHaveTheirCategories() {
    Map<String, List<String>> tiers = ContentPolicyTiers.builtIn();

    assertEquals(Set.of("brand", "violence", "nsfw"), categories(tiers.get("strict")));
    assertEquals(Set.of("violence", "nsfw"), categories(tiers.get("moderate")));
    assertEquals(List.of(), tiers.get("permissive"));
  }

  @Test
  void prodRefusesNoRedisPlaintextAndHttpNamingEachSetting() {
    List<String> noRedis = errorsOf("environment: prod\nupstream: { baseUrl: 'http://ideogram.internal' }\n" + MINIMAL);
    assertEquals(3, noRedis.size(), noRedis::toString);
    assertTrue(noRedis.get(0).startsWith("redis.url: required in prod"), noRedis::toString);
    assertTrue(noRedis.get(1).startsWith("server.tls: required in prod"), noRedis::toString);
    assertTrue(noRedis.get(2).startsWith("upstream.baseUrl: must use https:// in prod"), noRedis::toString);

    List<String> plainRedis = errorsOf("environment: prod\nredis: { url: 'redis://r:6379' }\n"
        + "server: { tls: { certFile: /c.pem, keyFile: /k.pem } }\n" + MINIMAL);
    assertEquals("redis.url: must use rediss:// (TLS) in prod (set security.tlsTerminatedByMesh: true if a"
        + " service mesh encrypts this hop), got redis://", plainRedis.get(plainRedis.size() - 1));
    assertTrue(plainRedis.stream().noneMatch(e -> e.startsWith("server.tls: required")), plainRedis::toString);

    assertEquals("prod", parse("environment: prod\nredis: { url: 'redis://r:6379' }\n"
        + "upstream: { baseUrl: 'http://egress' }\nsecurity: { tlsTerminatedByMesh: true }\n" + MINIMAL).environment());
    assertEquals("prod", parse("environment: prod\nredis: { singleReplica: true }\n"
        + "security: { tlsTerminatedByMesh: true }\n" + MINIMAL).environment());
    assertEquals("staging", parse("environment: staging\n" + MINIMAL).environment(), "the guards are prod's");
  }

  @Test
  void refusesUnknownCategoriesNamingThem() {
    List<String> errors = errorsOf(MINIMAL + "contentPolicies:\n  launch-embargo: { politics: ['(?i)\\bfoo\\b'] }\n"
        + "  mine: ['self-harm:(?i)\\bcut\\b', 'violence:(?i)\\bgore\\b']\n");

    assertEquals(2, errors.size(), errors::toString);
    assertTrue(errors.get(0).startsWith("contentPolicies.launch-embargo.politics: unknown content category 'politics'"),
        errors::toString);
    assertTrue(errors.get(1).startsWith("contentPolicies.mine[0]: unknown content category 'self-harm'"),
        errors::toString);
    assertTrue(errors.get(1).contains("self_harm"), "the message lists the known categories: " + errors);
  }

  @Test
  void refusesPatternsRe2CannotRunNamingThem() {
    List<String> errors = errorsOf(MINIMAL + "contentPolicies: { mine: ['brand:acme(?!corp)', '(\\w+) \\1'] }\n");

    assertEquals(2, errors.size(), errors::toString);
    assertTrue(errors.get(0).startsWith("contentPolicies.mine[0]: invalid regex 'acme(?!corp)' for RE2"),
        errors::toString);
    assertTrue(errors.get(1).startsWith("contentPolicies.mine[1]: invalid regex '(\\w+) \\1' for RE2"),
        errors::toString);
  }

  @Test
  void rejectsAnInvalidRegexInAPolicy() {
    List<String> errors = errorsOf(MINIMAL + "contentPolicies: { mine: ['brand:(unclosed'] }\n");

    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith("contentPolicies.mine[0]: invalid regex"), errors::toString);
  }

  @Test
  void reportsAYamlSyntaxErrorByPositionOnly() {
    List<String> errors = errorsOf("teams:\n  a: [unclosed, \"secret-looking\n");

    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith("config: invalid YAML at line"), errors::toString);
    assertFalse(errors.get(0).contains("secret-looking"), errors::toString);
  }

  @Test
  void rejectsADuplicateYamlKey() {
    List<String> errors = errorsOf(MINIMAL + "server: { port: 1 }\nserver: { port: 2 }\n");

    assertEquals(1, errors.size());
    assertTrue(errors.get(0).contains("server"), errors::toString);
  }

  @Test
  void refusesTheAdminScopeOnATeamKey() {
    List<String> errors = errorsOf(MINIMAL + "    clientKeys: [{ id: k, sha256: \"%s\", scopes: [admin] }]\n"
        .formatted("c".repeat(64)));

    assertEquals(List.of("teams.marketing.clientKeys[0].scopes: the admin scope belongs to adminKeys, not to a team's key"),
        errors);
  }

  @Test
  void buildsAValidDemoConfigWithTheFixedDemoKeys() {
    GatewayConfig demo = ConfigLoader.demo("http://127.0.0.1:7777", 0, 0);

    assertEquals("demo", demo.environment());
    assertEquals("http://127.0.0.1:7777", demo.upstream().baseUrl());
    assertEquals(0, demo.server().port());
    assertEquals(Set.of("marketing", "product", "social"), demo.teams().keySet());
    assertEquals("sim-key-product", demo.team("product").upstreamKey());
    assertEquals(ClientKeys.sha256("igk_demo_social"), demo.team("social").clientKeys().get(0).sha256());
    assertEquals(ClientKeys.sha256("igk_demo_admin"), demo.adminKeys().get(0).sha256());
    assertEquals(Set.of("images:generate", "images:upscale", "images:describe", "usage:read"),
        demo.team("marketing").clientKeys().get(0).scopes());
  }

  private static Set<String> categories(List<String> entries) {
    return entries.stream().map(e -> e.substring(0, e.indexOf(':'))).collect(java.util.stream.Collectors.toSet());
  }
}
