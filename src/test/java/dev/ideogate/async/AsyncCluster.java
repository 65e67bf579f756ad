package dev.ideogate.async;

import static dev.ideogate.testing.Await.await;
import dev.ideogate.Gateway;
import dev.ideogate.api.Sha256;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Gateway replicas (each its own Vert.x, its own port, its own publicBaseUrl) on one Redis and one simulator, and a
 * client for them. Teams: alpha and beta (budget 100 USD, webhook secrets), gamma (budget 0.30 USD, alerts to the
 * receiver). Client keys {@code igk_test_<team>}; admin key {@code igk_test_admin}.
 */
final class AsyncCluster implements AutoCloseable {
  static final Map<String, String> SECRETS = Map.of(
      "alpha", "alpha-webhook-secret-0123456789", "beta", "beta-webhook-secret-0123456789",
      "gamma", "gamma-webhook-secret-0123456789");

  private final GatewayHarness harness;
  final Vertx clientVertx;
  final IdeogramSimulator simulator;
  final List<Gateway> replicas = new ArrayList<>();
  final List<GatewayConfig> configs = new ArrayList<>();
  final WebClient client;
  /** Each replica reaches Redis through its own relay, so {@link #kill} can cut it off as a crash would. */
  private final List<RedisLink> links = new ArrayList<>();
  private final String environment;

  AsyncCluster(String redisUrl, int replicaCount, AsyncSettings timing, String environment, String alertUrl,
      double simTimeScale) {
    this.environment = environment;
    harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(simTimeScale));
    clientVertx = harness.clientVertx;
    simulator = harness.simulator;
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < replicaCount; i++) {
      int port = freePort();
      String replicaRedis = null;
      if (redisUrl != null) {
        RedisLink link = RedisLink.to(harness.clientVertx, redisUrl);
        links.add(link);
        replicaRedis = link.url();
      }
      GatewayConfig config = ConfigLoader.parse(yaml(replicaRedis, prefix, port, environment, alertUrl), name -> null);
      configs.add(config);
      replicas.add(harness.start(config, new Gateway.Options(Clock.systemUTC(), 2, timing)));
    }
    client = WebClient.create(harness.clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(64));
  }

  private String yaml(String redisUrl, String prefix, int port, String environment, String alertUrl) {
    StringBuilder y = new StringBuilder()
        .append("environment: ").append(environment).append('\n')
        .append("server: { host: 127.0.0.1, port: ").append(port).append(", managementPort: 0, publicBaseUrl: ")
        .append("\"http://127.0.0.1:").append(port).append("\" }\n")
        .append("redis: { url: \"").append(redisUrl == null ? "" : redisUrl).append("\", keyPrefix: ").append(prefix)
        .append(redisUrl == null ? ", singleReplica: true" : "").append(" }\n")
        // loopback plaintext everywhere: the prod guards are told a mesh encrypts each hop
        .append("security: { tlsTerminatedByMesh: true }\n")
        .append("upstream: { baseUrl: \"").append(simulator.baseUrl()).append("\", maxInFlightPerKey: 10, timeout: 10s }\n")
        .append("teams:\n");
    team(y, "alpha", "100", "");
    team(y, "beta", "100", "");
    team(y, "gamma", "0.30", alertUrl);
    y.append("adminKeys:\n  - { id: admin, sha256: \"").append(Sha256.hex(key("admin"))).append("\" }\n");
    return y.toString();
  }

  /** The client key of a team (or "admin") in this cluster's environment. */
  String key(String team) {
    return "igk_" + environment + "_" + team + "TestKey0123456789";
  }

  private void team(StringBuilder y, String id, String budget, String alertUrl) {
    y.append("  ").append(id).append(":\n")
        .append("    upstreamKey: sim-key-").append(id).append('\n')
        .append("    dailyBudgetUsd: \"").append(budget).append("\"\n")
        .append("    allowedModels: [V_4]\n    allowedStyles: [AUTO]\n    maxQueued: 10000\n")
        .append("    webhookSecret: \"").append(SECRETS.get(id)).append("\"\n");
    if (!alertUrl.isEmpty()) {
      y.append("    alerts: { webhookUrl: \"").append(alertUrl).append("\", thresholds: [80, 100] }\n");
    }
    y.append("    clientKeys:\n      - { id: ").append(id).append("-key, sha256: \"").append(Sha256.hex(key(id)))
        .append("\", scopes: [images:generate, usage:read] }\n");
  }

  /** POST an async V4 generation through replica {@code r}; webhookUrl null = none. */
  Future<HttpResponse<Buffer>> submit(int r, String team, JsonObject body, String webhookUrl) {
    String path = "/v1/ideogram-v4/async/generate"
        + (webhookUrl == null ? "" : "?webhook_url=" + URLEncoder.encode(webhookUrl, StandardCharsets.UTF_8));
    return client.post(replicas.get(r).port(), "127.0.0.1", path).putHeader("Api-Key", key(team))
        .timeout(20_000).sendJsonObject(body);
  }

  Future<HttpResponse<Buffer>> poll(int r, String team, String generationId) {
    return client.get(replicas.get(r).port(), "127.0.0.1", "/v1/generations/" + generationId)
        .putHeader("Api-Key", key(team)).timeout(10_000).send();
  }

  TeamUsage usage(int r, String team) {
    TeamConfig config = configs.get(r).team(team);
    return await(replicas.get(r).ledger().usage(new TeamBudget(team, config.dailyBudgetMicroUsd(),
        config.monthlyBudgetMicroUsd()), BudgetWindow.now(Clock.systemUTC(), configs.get(r).budgets().timezone())));
  }

  /** A crash: Redis is gone for the replica first (nothing it holds is acknowledged), then its Vert.x. */
  void kill(int r) {
    if (r < links.size()) {
      links.get(r).cut();
    }
    harness.kill(replicas.get(r));
  }

  static JsonObject v4(String prompt, int images, String speed) {
    return new JsonObject().put("text_prompt", prompt).put("num_images", images).put("rendering_speed", speed);
  }



  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** p in (0, 1], nearest-rank. */
  static long percentile(List<Long> values, double p) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? -1 : sorted.get((int) Math.max(0, Math.ceil(p * sorted.size()) - 1));
  }

  /** Every replica ends as a crash would (nothing drained: the tests leave deliveries pending on purpose). */
  @Override
  public void close() {
    client.close();
    replicas.forEach(harness::kill);
    harness.close();
  }
}
