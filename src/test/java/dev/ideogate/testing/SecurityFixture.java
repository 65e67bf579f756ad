package dev.ideogate.testing;

import static dev.ideogate.testing.Await.await;
import dev.ideogate.Gateway;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.sim.IdeogramSimulator;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The security tests' world on a {@link GatewayHarness}: a fast simulator, gateway replicas, and a WebClient.
 * Configs are YAML through the real loader, with two teams (alpha, beta) and one admin key; {@code %UPSTREAM%} in
 * the YAML is replaced by the simulator's URL.
 */
public final class SecurityFixture implements AutoCloseable {
  public static final String ALPHA_KEY = "igk_dev_alphaKey0123456789abcdefghijklmnopqrstu";
  public static final String BETA_KEY = "igk_dev_betaKey0123456789abcdefghijklmnopqrstuv";
  public static final String ADMIN_KEY = "igk_dev_adminKey0123456789abcdefghijklmnopqrst";

  private final GatewayHarness harness = GatewayHarness.fastSimulator();
  public final Vertx vertx = harness.clientVertx;
  public final IdeogramSimulator simulator = harness.simulator;
  private final WebClient client =
      WebClient.create(vertx, new WebClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200));

  /** Two teams and an admin key; {@code alphaExtra}/{@code top} are YAML lines added to team alpha / the top. */
  public String yaml(String top, String serverExtra, String alphaExtra) {
    return """
        environment: dev
        server:
          host: 127.0.0.1
          port: 0
          managementPort: 0
        %s
        upstream:
          baseUrl: "%s"
        %s
        teams:
          alpha:
            upstreamKey: "sim-key-alpha-0123456789"
            dailyBudgetUsd: "100"
            allowedModels: [V_2, V_2_TURBO, V_3]
            allowedStyles: [AUTO, GENERAL]
            contentPolicy: strict
        %s
            clientKeys:
              - { id: alpha-key, sha256: "%s", scopes: [images:generate, images:describe, usage:read], createdAt: "2026-01-01T00:00:00Z" }
          beta:
            upstreamKey: "sim-key-beta-0123456789"
            dailyBudgetUsd: "100"
            allowedModels: [V_2, V_3]
            allowedStyles: [AUTO]
            pii: block
            clientKeys:
              - { id: beta-key, sha256: "%s", scopes: [images:generate, usage:read] }
        adminKeys:
          - { id: ops-admin, sha256: "%s" }
        """.formatted(indent("  ", serverExtra), simulator.baseUrl(), top, indent("    ", alphaExtra),
        ClientKeys.sha256(ALPHA_KEY), ClientKeys.sha256(BETA_KEY), ClientKeys.sha256(ADMIN_KEY));
  }

  private static String indent(String prefix, String lines) {
    if (lines == null || lines.isBlank()) {
      return "";
    }
    return lines.lines().map(l -> prefix + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  public static GatewayConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, name -> null);
  }

  public Gateway start(GatewayConfig config) {
    return harness.start(config);
  }

  public Gateway start(GatewayConfig config, Clock clock) {
    return harness.start(config, clock);
  }

  public Gateway start(GatewayConfig config, Gateway.Options options) {
    return harness.start(config, options);
  }

  /** What came back. */
  public record Reply(int status, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
    }

    public String code() {
      return json().getString("code");
    }

    public String header(String name) {
      return headers.get(name);
    }

    @Override
    public String toString() {
      return status + " " + (body == null ? "" : body.toString());
    }
  }

  public Future<Reply> send(HttpMethod method, int port, String path, Map<String, String> headers, Buffer body) {
    HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", path).timeout(30_000);
    headers.forEach(request::putHeader);
    var sent = body == null ? request.send() : request.sendBuffer(body);
    return sent.map(r -> new Reply(r.statusCode(), r.headers(), r.body()));
  }

  public Future<Reply> generate(int port, String key, String prompt) {
    String json = new JsonObject().put("image_request",
        new JsonObject().put("prompt", prompt).put("model", "V_2").put("num_images", 1)).encode();
    return send(HttpMethod.POST, port, "/generate", Map.of("Content-Type", "application/json", "Api-Key", key),
        Buffer.buffer(json));
  }

  public Reply get(int port, String path, String key) {
    return await(send(HttpMethod.GET, port, path, key == null ? Map.of() : Map.of("Api-Key", key), null));
  }

  public Reply post(int port, String path, String key) {
    return await(send(HttpMethod.POST, port, path, key == null ? Map.of() : Map.of("Api-Key", key), null));
  }


  @Override
  public void close() {
    client.close();
    harness.close();
  }

  /** A clock a test moves by hand. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
      this.now = start;
    }

    public void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
