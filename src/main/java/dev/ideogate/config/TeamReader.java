package dev.ideogate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code teams} and {@code adminKeys}, and checks what spans them: a client key id or SHA-256 may appear
 * only once in the whole file.
 */
public final class TeamReader {
  static final List<String> MODELS =
      List.of("V_1", "V_1_TURBO", "V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO", "V_3", "V_4", "AUTO");
  static final List<String> STYLES =
      List.of("AUTO", "GENERAL", "FICTION", "REALISTIC", "DESIGN", "RENDER_3D", "ANIME", "CUSTOM", "STYLIZED");
  static final List<String> SPEEDS = List.of("FLASH", "TURBO", "BALANCED", "DEFAULT", "QUALITY");
  static final List<String> PII = List.of("block", "redact-logs", "allow");
  public static final List<String> TEAM_SCOPES =
      List.of("images:generate", "images:upscale", "images:describe", "usage:read");
  static final String ADMIN_SCOPE = "admin";

  /** Team ids end up in Redis keys, metric labels and URLs. */
  private static final Pattern TEAM_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final int maxInFlightPerKey;
  private final Set<String> policyTiers;
  private final Map<String, String> keyIdOwners = new HashMap<>();
  private final Map<String, String> hashOwners = new HashMap<>();

  TeamReader(int maxInFlightPerKey, Set<String> policyTiers) {
    this.maxInFlightPerKey = maxInFlightPerKey;
    this.policyTiers = policyTiers;
  }

  Map<String, TeamConfig> teams(ConfigSection teams) {
    Map<String, TeamConfig> result = new LinkedHashMap<>();
    if (teams.keys().isEmpty()) {
      teams.error("", "at least one team is required");
    }
    for (String id : teams.keys()) {
      if (!TEAM_ID.matcher(id).matches()) {
        teams.error(id, "team id must match [a-z0-9][a-z0-9_-]* (it is used in Redis keys and metric labels)");
      }
      result.put(id, team(id, teams.child(id)));
    }
    return Collections.unmodifiableMap(result);
  }

  List<GatewayConfig.AdminKey> adminKeys(List<ConfigSection> entries) {
    List<GatewayConfig.AdminKey> keys = new ArrayList<>();
    for (ConfigSection entry : entries) {
      String id = keyId(entry, "adminKeys");
      String sha256 = sha256(entry);
      Instant expiresAt = entry.instant("expiresAt");
      entry.rejectUnknownKeys();
      keys.add(new GatewayConfig.AdminKey(id, sha256, expiresAt));
    }
    return List.copyOf(keys);
  }

  private TeamConfig team(String id, ConfigSection team) {
    String name = team.string("name", id);
    String upstreamKey = upstreamKey(team);
    Long daily = team.usd("dailyBudgetUsd");
    if (daily == null && !team.has("dailyBudgetUsd")) {
      team.error("dailyBudgetUsd", "required");
    }
    Long monthly = team.usd("monthlyBudgetUsd");
    Set<String> models = names(team, "allowedModels", MODELS, true);
    Set<String> styles = names(team, "allowedStyles", STYLES, true);
    Set<String> speeds = names(team, "allowedSpeeds", SPEEDS, false);
    int maxConcurrency = team.integer("maxConcurrency", maxInFlightPerKey, 1, maxInFlightPerKey);
    int maxQueued = team.integer("maxQueued", 1000, 0, 1_000_000);
    Duration maxQueueWait = team.duration("maxQueueWait", Duration.ofSeconds(60));
    String policy = team.string("contentPolicy", "moderate");
    if (!policyTiers.contains(policy)) {
      team.error("contentPolicy", "must name a content policy (" + String.join(", ", policyTiers) + "), got '"
          + policy + "'");
    }
    String pii = team.oneOf("pii", "redact-logs", PII);
    TeamConfig.RateLimit rateLimit = rateLimit(team);
    List<ClientKeyConfig> clientKeys = new ArrayList<>();
    for (ConfigSection entry : team.sections("clientKeys")) {
      clientKeys.add(clientKey(entry, id));
    }
    String webhookSecret = WebhookSettingsReader.secret(team);
    TeamConfig.Alerts alerts = WebhookSettingsReader.alerts(team);
    team.rejectUnknownKeys();
    return new TeamConfig(id, name, upstreamKey, daily == null ? 0 : daily,
        monthly == null ? OptionalLong.empty() : OptionalLong.of(monthly), models, styles, speeds, maxConcurrency,
        maxQueued, maxQueueWait, policy, pii, rateLimit, List.copyOf(clientKeys), webhookSecret, alerts);
  }

  /** {@code upstreamKey} (usually "${ENV_VAR}") or {@code upstreamKeyFile} (a mounted secret), exactly one. */
  private static String upstreamKey(ConfigSection team) {
    String inline = team.scalar("upstreamKey").orElse(null);
    String file = team.scalar("upstreamKeyFile").orElse(null);
    if (inline != null && file != null) {
      team.error("upstreamKeyFile", "give upstreamKey or upstreamKeyFile, not both");
      return inline;
    }
    if (file != null) {
      try {
        String key = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        if (key.isEmpty()) {
          team.error("upstreamKeyFile", "file " + file + " is empty");
        }
        return key;
      } catch (IOException | RuntimeException e) {
        team.error("upstreamKeyFile", "cannot read file " + file + " (" + e.getClass().getSimpleName() + ")");
        return "";
      }
    }
    if (inline == null) {
      if (!team.has("upstreamKey")) {
        team.error("upstreamKey", "required (or upstreamKeyFile)");
      }
      return "";
    }
    if (inline.isBlank()) {
      team.error("upstreamKey", "must not be empty");
    }
    return inline.trim();
  }

  private static Set<String> names(ConfigSection team, String key, List<String> allowed, boolean required) {
    List<String> values = team.list(key).orElse(null);
    if (values == null) {
      if (required) {
        team.error(key, "required, a list of " + String.join(", ", allowed));
      }
      return Set.of();
    }
    Set<String> result = new LinkedHashSet<>();
    for (String value : values) {
      if (!allowed.contains(value)) {
        team.error(key, "unknown value '" + value + "', expected any of " + String.join(", ", allowed));
      } else if (!result.add(value)) {
        team.error(key, "'" + value + "' is listed twice");
      }
    }
    if (required && values.isEmpty()) {
      team.error(key, "must not be empty");
    }
    return Collections.unmodifiableSet(result);
  }

  private static TeamConfig.RateLimit rateLimit(ConfigSection team) {
    return rateLimit(team, "rateLimit");
  }

  /** {@code <key>: {perMinute, burst}} under {@code parent} (a team's, or security.keyRateLimit); absent = none. */
  static TeamConfig.RateLimit rateLimit(ConfigSection parent, String key) {
    if (!parent.has(key)) {
      parent.child(key);
      return TeamConfig.RateLimit.NONE;
    }
    ConfigSection limit = parent.child(key);
    int perMinute = limit.integer("perMinute", 0, 0, 1_000_000);
    int burst = limit.integer("burst", perMinute, 0, 1_000_000);
    limit.rejectUnknownKeys();
    return new TeamConfig.RateLimit(perMinute, burst);
  }

  private ClientKeyConfig clientKey(ConfigSection entry, String team) {
    String id = keyId(entry, "team " + team);
    String sha256 = sha256(entry);
    List<String> scopes = entry.list("scopes").orElse(null);
    Set<String> scopeSet = new LinkedHashSet<>();
    if (scopes == null || scopes.isEmpty()) {
      entry.error("scopes", "required, any of " + String.join(", ", TEAM_SCOPES));
    } else {
      for (String scope : scopes) {
        if (ADMIN_SCOPE.equals(scope)) {
          entry.error("scopes", "the admin scope belongs to adminKeys, not to a team's key");
        } else if (!TEAM_SCOPES.contains(scope)) {
          entry.error("scopes", "unknown scope '" + scope + "', expected any of " + String.join(", ", TEAM_SCOPES));
        } else {
          scopeSet.add(scope);
        }
      }
    }
    Instant createdAt = entry.instant("createdAt");
    Instant expiresAt = entry.instant("expiresAt");
    if (createdAt != null && expiresAt != null && !expiresAt.isAfter(createdAt)) {
      entry.error("expiresAt", "must be after createdAt");
    }
    entry.rejectUnknownKeys();
    return new ClientKeyConfig(id, sha256, Collections.unmodifiableSet(scopeSet), createdAt, expiresAt);
  }

  private String keyId(ConfigSection entry, String owner) {
    String id = entry.required("id");
    if (id == null) {
      return "";
    }
    if (!KEY_ID.matcher(id).matches()) {
      entry.error("id", "must match [A-Za-z0-9][A-Za-z0-9._-]*, got '" + id + "'");
    }
    String previous = keyIdOwners.putIfAbsent(id, owner);
    if (previous != null) {
      entry.error("id", "duplicate key id '" + id + "' (also used in " + previous + ")");
    }
    return id;
  }

  private String sha256(ConfigSection entry) {
    String sha256 = entry.required("sha256");
    if (sha256 == null) {
      return "";
    }
    if (!SHA256.matcher(sha256).matches()) {
      entry.error("sha256", "must be 64 lowercase hex characters");
    } else if (hashOwners.putIfAbsent(sha256, entry.path()) != null) {
      entry.error("sha256", "the same key hash is already configured at " + hashOwners.get(sha256));
    }
    return sha256;
  }
}
