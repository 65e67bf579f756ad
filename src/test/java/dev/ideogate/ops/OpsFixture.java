package dev.ideogate.ops;

import static dev.ideogate.testing.Await.await;
import dev.ideogate.Gateway;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operations tests' world on a {@link GatewayHarness}: simulator, gateway(s) and a real HTTP client on
 * loopback, with blocking helpers. The
 * YAML helpers write configs the way an operator would; every secret they mint is remembered for the log scan.
 */
final class OpsFixture implements AutoCloseable {
  private final GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withPort(0).withTimeScale(0));
  final Vertx vertx = harness.clientVertx;
  final IdeogramSimulator simulator = harness.simulator;
  final WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(64));
  final List<String> secrets = new ArrayList<>();


  /** A fresh client key of environment dev, remembered as a secret. */
  String newClientKey() {
    String key = ClientKeys.newKey("dev");
    secrets.add(key);
    return key;
  }

  /** A fresh, unguessable upstream key, remembered as a secret. */
  String newUpstreamKey(String team) {
    String key = "sim-key-" + team + "-" + ClientKeys.newKey("x").substring(6, 30);
    secrets.add(key);
    return key;
  }

  /** The top of a config: loopback ports chosen by the gateway, this simulator upstream, optional Redis. */
  String header(String redisUrl, int maxAttempts) {
    return """
        environment: dev
        server: { host: 127.0.0.1, port: 0, managementPort: 0, drainGrace: 10s }
        redis: { url: "%s" }
        upstream:
          baseUrl: %s
          maxInFlightPerKey: 10
          timeout: 10s
          retry: { maxAttempts: %d, baseDelay: 10ms, maxDelay: 20ms }
        """.formatted(redisUrl == null ? "" : redisUrl, simulator.baseUrl(), maxAttempts);
  }

  /** One team entry (under {@code teams:}) with one client key per entry of {@code keys} (id → key). */
  static String team(String id, String upstreamKey, String dailyUsd, String pii, Map<String, String> keys) {
    StringBuilder yaml = new StringBuilder("""
          %s:
            upstreamKey: "%s"
            dailyBudgetUsd: "%s"
            allowedModels: [V_2, V_2_TURBO]
            allowedStyles: [DESIGN]
            pii: %s
            clientKeys:
        """.formatted(id, upstreamKey, dailyUsd, pii));
    keys.forEach((keyId, key) -> yaml.append("      - { id: ").append(keyId).append(", sha256: \"")
        .append(ClientKeys.sha256(key)).append("\", scopes: [images:generate, usage:read] }\n"));
    return yaml.toString();
  }

  static String adminKey(String id, String key) {
    return "adminKeys:\n  - { id: " + id + ", sha256: \"" + ClientKeys.sha256(key) + "\" }\n";
  }

  Gateway startGateway(String yaml) {
    return startGateway(ConfigLoader.parse(yaml, name -> null));
  }

  Gateway startGateway(GatewayConfig config) {
    return harness.start(config, new Gateway.Options(java.time.Clock.systemUTC(), 1));
  }

  Future<HttpResponse<Buffer>> sendGenerate(Gateway gateway, String clientKey, String model, String prompt) {
    JsonObject body = new JsonObject().put("image_request",
        new JsonObject().put("prompt", prompt).put("model", model).put("style_type", "DESIGN"));
    return client.post(gateway.port(), "127.0.0.1", "/generate").putHeader("Api-Key", clientKey)
        .sendJsonObject(body);
  }

  HttpResponse<Buffer> generate(Gateway gateway, String clientKey, String model) {
    return await(sendGenerate(gateway, clientKey, model, "a lighthouse at dawn, flat vector poster"));
  }

  HttpResponse<Buffer> management(Gateway gateway, String path, String key, String accept) {
    HttpRequest<Buffer> request = client.get(gateway.managementPort(), "127.0.0.1", path);
    if (key != null) {
      request.putHeader("Api-Key", key);
    }
    if (accept != null) {
      request.putHeader("Accept", accept);
    }
    return await(request.send());
  }

  HttpResponse<Buffer> clientGet(Gateway gateway, String path, String key) {
    return await(client.get(gateway.port(), "127.0.0.1", path).putHeader("Api-Key", key).send());
  }

  @Override
  public void close() {
    client.close();
    harness.close(); // a gateway the test already drained cannot stop again: the harness allows for it
  }
}
