package dev.ideogate.testing;

import dev.ideogate.Gateway;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One simulator and one or more gateway replicas, each replica on its own {@link Vertx} as separate processes would
 * be, all on loopback. Close it to stop everything.
 */
public final class GatewayHarness implements AutoCloseable {
  public final Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  public final IdeogramSimulator simulator;
  public final Http http = new Http(clientVertx);
  private final List<Vertx> replicaVertx = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();

  public GatewayHarness(SimulatorOptions simulatorOptions) {
    this.simulator = Await.await(IdeogramSimulator.start(clientVertx, simulatorOptions));
  }

  /** A simulator with no delay that accepts any key. */
  public static GatewayHarness fastSimulator() {
    return new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0));
  }

  public Gateway start(Function<String, GatewayConfig> configForUpstream) {
    return start(configForUpstream.apply(simulator.baseUrl()), Gateway.Options.defaults());
  }

  public Gateway start(GatewayConfig config, Gateway.Options options) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    replicaVertx.add(vertx);
    Gateway gateway = Await.await(Gateway.start(vertx, config, options));
    gateways.add(gateway);
    return gateway;
  }

  /** Simulates a replica killed: its Vertx closed without draining. */
  public void kill(Gateway gateway) {
    int index = gateways.indexOf(gateway);
    Vertx vertx = replicaVertx.get(index);
    Await.await(vertx.close());
  }

  public SimulatorStats statsFor(String team) {
    return simulator.stats(KeyFingerprint.of(TestConfig.upstreamKey(team)));
  }

  @Override
  public void close() {
    for (int i = 0; i < gateways.size(); i++) {
      try {
        Await.await(gateways.get(i).stop());
      } catch (AssertionError | RuntimeException ignored) {
        // a killed replica cannot stop again
      }
      Await.await(replicaVertx.get(i).close());
    }
    http.close();
    Await.await(simulator.stop());
    Await.await(clientVertx.close());
  }
}
