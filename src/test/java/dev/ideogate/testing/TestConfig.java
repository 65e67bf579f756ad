package dev.ideogate.testing;

import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.ClientKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds gateway configs for integration tests as YAML, through the real loader. Every team gets a client key
 * {@code igk_dev_<team>_<suffix>} (see {@link #clientKey}) and the upstream key {@code sim-key-<team>-<suffix>};
 * both are remembered so that the suite's log scan can look for them.
 */
public final class TestConfig {
  /** Every secret a test configured: the log scan proves none of them was ever written. */
  public static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private final String upstreamUrl;
  private final Map<String, String> teams = new LinkedHashMap<>();
  private final List<String> extraTop = new ArrayList<>();
  private String server = "";
  private String redis = "";
  private String upstream = "";
  private String budgets = "";

  private TestConfig(String upstreamUrl) {
    this.upstreamUrl = upstreamUrl;
  }

  public static TestConfig upstream(String upstreamUrl) {
    return new TestConfig(upstreamUrl);
  }

  public static String clientKey(String team) {
    String key = "igk_dev_" + team + "_Zq8xTestKey0123456789abcdefXY";
    SECRETS.add(key);
    return key;
  }

  public static String upstreamKey(String team) {
    String key = "sim-key-" + team + "-9f3b2c7d1e5a";
    SECRETS.add(key);
    return key;
  }

  /**
   * Adds a team; {@code extra} are YAML lines of the team block (indented by the caller as "key: value"), replacing
   * the defaults of the same key: dailyBudgetUsd 100, all legacy models + V_3 + V_4, all styles, maxConcurrency 10,
   * contentPolicy strict.
   */
  public TestConfig team(String id, String... extra) {
    Map<String, String> fields = new LinkedHashMap<>();
    String scopes = "[images:generate, images:upscale, images:describe, usage:read]";
    fields.put("upstreamKey", "\"" + upstreamKey(id) + "\"");
    fields.put("dailyBudgetUsd", "\"100\"");
    fields.put("allowedModels", "[V_1, V_1_TURBO, V_2, V_2_TURBO, V_2A, V_2A_TURBO, V_3, V_4, AUTO]");
    fields.put("allowedStyles", "[AUTO, GENERAL, FICTION, REALISTIC, DESIGN, RENDER_3D, ANIME, CUSTOM, STYLIZED]");
    fields.put("maxConcurrency", "10");
    fields.put("contentPolicy", "strict");
    for (String line : extra) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equals("clientKeyScopes")) {
        scopes = value;
      } else {
        fields.put(name, value);
      }
    }
    StringBuilder block = new StringBuilder("  " + id + ":\n");
    fields.forEach((k, v) -> block.append("    ").append(k).append(": ").append(v).append('\n'));
    block.append("    clientKeys:\n      - { id: ").append(id).append("-key, sha256: ")
        .append(ClientKeys.sha256(clientKey(id)))
        .append(", scopes: ").append(scopes).append(" }\n");
    teams.put(id, block.toString());
    return this;
  }

  /** Extra lines of the server block, e.g. "maxBodyBytes: 1000". */
  public TestConfig server(String... lines) {
    server = String.join("\n", indent(lines));
    return this;
  }

  public TestConfig redis(String url, String... lines) {
    redis = "  url: \"" + url + "\"\n" + String.join("\n", indent(lines));
    return this;
  }

  public TestConfig upstreamSettings(String... lines) {
    upstream = String.join("\n", indent(lines));
    return this;
  }

  public TestConfig budgets(String... lines) {
    budgets = String.join("\n", indent(lines));
    return this;
  }

  public TestConfig top(String yaml) {
    extraTop.add(yaml);
    return this;
  }

  public String yaml() {
    StringBuilder out = new StringBuilder("environment: dev\n");
    out.append("server:\n  host: 127.0.0.1\n  port: 0\n  managementPort: 0\n").append(server).append('\n');
    if (!redis.isEmpty()) {
      out.append("redis:\n").append(redis).append('\n');
    }
    out.append("upstream:\n  baseUrl: \"").append(upstreamUrl).append("\"\n").append(upstream).append('\n');
    if (!budgets.isEmpty()) {
      out.append("budgets:\n").append(budgets).append('\n');
    }
    extraTop.forEach(y -> out.append(y).append('\n'));
    out.append("teams:\n");
    teams.values().forEach(out::append);
    return out.toString();
  }

  public GatewayConfig build() {
    return ConfigLoader.parse(yaml(), name -> null);
  }

  private static List<String> indent(String... lines) {
    return java.util.Arrays.stream(lines).map(l -> "  " + l).toList();
  }
}
