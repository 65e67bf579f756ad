package dev.ideogate.dispatch;

import static dev.ideogate.testing.Await.await;
import dev.ideogate.Gateway;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Several gateway replicas, each on its own {@link Vertx}, sharing one Redis and one upstream key of a simulator:
 * what a deployment of N pods looks like to Ideogram. Each instance uses its own key prefix and upstream key, so
 * tests sharing a Redis and a simulator never see each other's lanes.
 */
final class Replicas implements AutoCloseable {
  static final String CLIENT_KEY = "igk_dev_permitsclusterkey";

  private final GatewayHarness harness;
  private final List<Gateway> gateways = new ArrayList<>();
  private final WebClient client;
  private final IdeogramSimulator simulator;
  private final RedisConnector redis;
  private final LaneKeys keys;
  private final String upstreamKey;

  private Replicas(GatewayHarness harness, IdeogramSimulator simulator, RedisConnector redis, LaneKeys keys,
      String upstreamKey) {
    this.harness = harness;
    this.client = WebClient.create(harness.clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(500));
    this.simulator = simulator;
    this.redis = redis;
    this.keys = keys;
    this.upstreamKey = upstreamKey;
  }

  /** {@code count} replicas against {@code simulator}, with the given permit lease and heartbeat (e.g. "2s"). */
  static Replicas start(int count, String redisUrl, IdeogramSimulator simulator, String lease, String heartbeat) {
    return start(count, redisUrl, i -> redisUrl, simulator, lease, heartbeat);
  }

  /** As above, replica i reaching Redis at {@code redisUrlOf(i)} (a {@link RedisLink}, say). */
  static Replicas start(int count, String redisUrl, java.util.function.IntFunction<String> redisUrlOf,
      IdeogramSimulator simulator, String lease, String heartbeat) {
    String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
    String upstreamKey = "sim-key-" + prefix;
    GatewayHarness harness = GatewayHarness.sharing(simulator);
    RedisConnector redis = new RedisConnector(harness.clientVertx, RedisSettings.standalone(redisUrl));
    Replicas replicas = new Replicas(harness, simulator, redis, new LaneKeys(prefix), upstreamKey);
    for (int i = 0; i < count; i++) {
      GatewayConfig config = ConfigLoader.parse(yaml(redisUrlOf.apply(i), prefix, simulator.baseUrl(), upstreamKey,
          lease, heartbeat), Map.<String, String>of()::get);
      replicas.gateways.add(harness.start(config, new Gateway.Options(Clock.systemUTC(), 1)));
    }
    return replicas;
  }

  private static String yaml(String redisUrl, String prefix, String upstream, String upstreamKey, String lease,
      String heartbeat) {
    return """
        environment: dev
        server: { host: 127.0.0.1, port: 0, managementPort: 0 }
        redis: { url: "%s", keyPrefix: "%s" }
        upstream:
          baseUrl: "%s"
          maxInFlightPerKey: 10
          timeout: 30s
          retry: { maxAttempts: 20, baseDelay: 20ms, maxDelay: 200ms }
          permitLease: %s
          permitHeartbeat: %s
        teams:
          shared:
            upstreamKey: "%s"
            dailyBudgetUsd: 1000000
            allowedModels: [V_2_TURBO]
            allowedStyles: [DESIGN]
            maxConcurrency: 10
            maxQueued: 1000
            maxQueueWait: 60s
            contentPolicy: permissive
            clientKeys:
              - { id: cluster-test, sha256: "%s", scopes: [images:generate] }
        """.formatted(redisUrl, prefix, upstream, lease, heartbeat, upstreamKey, ClientKeys.sha256(CLIENT_KEY));
  }

  /** The lane of the shared upstream key, as Redis and the simulator name it. */
  String lane() {
    return KeyFingerprint.of(upstreamKey);
  }

  void configureUpstream(SimulatorKnobs knobs) {
    simulator.configure(lane(), knobs);
  }

  SimulatorStats upstreamStats() {
    return simulator.stats(lane());
  }

  Gateway gateway(int replica) {
    return gateways.get(replica);
  }

  /** POST /generate through one replica. */
  Future<HttpResponse<Buffer>> generate(int replica, String prompt) {
    JsonObject body = new JsonObject().put("image_request",
        new JsonObject().put("prompt", prompt).put("model", "V_2_TURBO").put("style_type", "DESIGN"));
    return client.post(gateways.get(replica).port(), "127.0.0.1", "/generate")
        .putHeader("Api-Key", CLIENT_KEY)
        .sendJsonObject(body);
  }

  /** Permits held in Redis right now, across replicas. */
  int permitsTaken() {
    return await(redis.send("ZCARD", keys.permits(lane()))).asInt();
  }

  boolean permitsKeyExists() {
    return await(redis.send("EXISTS", List.of(keys.permits(lane())))).asInt() == 1;
  }

  /** Stops a replica as a crash would: its Vertx closes, nothing drains. */
  void crash(int replica) {
    harness.kill(gateways.get(replica));
  }

  @Override
  public void close() {
    client.close();
    harness.close();
  }
}
