package dev.ideogate.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * A real HTTP server that behaves like Ideogram (ARCHITECTURE.md §10): accounts with credits and a 10-in-flight limit,
 * Ideogram's status codes and bodies, latency per model, signed expiring image URLs, and fault knobs. Tests turn
 * its knobs and read its stats from Java; {@code /__sim/*} does the same over HTTP.
 */
public final class IdeogramSimulator {
  private final Vertx vertx;
  private final String deploymentId;
  private final SimulatorVerticle verticle;
  private final SimAccounts accounts;
  private final SimulatorOptions options;
  private final SimAsync async;

  private IdeogramSimulator(Vertx vertx, String deploymentId, SimulatorVerticle verticle, SimAccounts accounts,
      SimulatorOptions options, SimAsync async) {
    this.async = async;
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.verticle = verticle;
    this.accounts = accounts;
    this.options = options;
  }

  public static Future<IdeogramSimulator> start(Vertx vertx, SimulatorOptions options) {
    SimAccounts accounts = new SimAccounts(options.accounts(), options.acceptAnyKey());
    SimAsync async = new SimAsync();
    SimulatorVerticle verticle = new SimulatorVerticle(options, accounts, async);
    return vertx.deployVerticle(verticle)
        .map(id -> new IdeogramSimulator(vertx, id, verticle, accounts, options, async));
  }

  public int port() {
    return verticle.actualPort();
  }

  /** http://host:port, with 127.0.0.1 when bound to every interface. */
  public String baseUrl() {
    String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
    return "http://" + host + ":" + port();
  }

  public Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }

  /** What was observed for one key, by {@link KeyFingerprint#of}; zeros for a key never seen. */
  public SimulatorStats stats(String apiKeyFingerprint) {
    return accounts.stats(apiKeyFingerprint);
  }

  /** Every key seen or configured, by fingerprint. */
  public Map<String, SimulatorStats> allStats() {
    return accounts.allStats();
  }

  /** The last ≤ 1000 authenticated arrivals of a key, oldest first. */
  public List<RecordedRequest> recentRequests(String apiKeyFingerprint) {
    return accounts.recentRequests(apiKeyFingerprint);
  }

  /** Zeroes stats and logs, restores credits, and clears every knob. */
  public void reset() {
    accounts.reset();
  }

  /** Knobs for every key without its own; arms force429Count for each of them. */
  public void configure(SimulatorKnobs knobs) {
    accounts.configure(knobs);
  }

  /** Knobs for one key (null = follow the global knobs again); arms force429Count for it. */
  public void configure(String apiKeyFingerprint, SimulatorKnobs knobs) {
    accounts.configure(apiKeyFingerprint, knobs);
  }

  /** Knobs of async generations and their webhooks (drop, duplicate, delay, fail). */
  public void configureAsync(SimAsyncKnobs knobs) {
    async.configure(knobs);
  }

  /** The async generations created so far and what their webhooks did. */
  public SimGenerations generations() {
    return async.generations;
  }

  /** The webhook signing keys (tests rotate them, and verify against them). */
  public SimWebhookKeys webhookKeys() {
    return async.keys;
  }
}
