package dev.ideogate.testing;

import dev.ideogate.Gateway;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one test fixture that starts gateways: one simulator and one or more gateway replicas, each replica on its own
 * {@link Vertx} as separate processes would be, all on loopback. Close it to stop everything. Suites with their own
 * configs (SecurityFixture, OpsFixture) build the YAML and start their replicas here.
 */
public final class GatewayHarness implements AutoCloseable {
  public final Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  public final IdeogramSimulator simulator;
  public final Http http = new Http(clientVertx);
  private final List<Vertx> replicaVertx = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();
  private final Set<Integer> killed = ConcurrentHashMap.newKeySet();

  private final boolean ownsSimulator;

  public GatewayHarness(SimulatorOptions simulatorOptions) {
    this.simulator = Await.await(IdeogramSimulator.start(clientVertx, simulatorOptions));
    this.ownsSimulator = true;
  }

  private GatewayHarness(IdeogramSimulator shared) {
    this.simulator = shared;
    this.ownsSimulator = false;
  }

  /** Replicas in front of a simulator the test class shares between tests; closing the harness leaves it running. */
  public static GatewayHarness sharing(IdeogramSimulator simulator) {
    return new GatewayHarness(simulator);
  }

  /** A simulator with no delay that accepts any key. */
  public static GatewayHarness fastSimulator() {
    return new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0));
  }

  public Gateway start(Function<String, GatewayConfig> configForUpstream) {
    return start(configForUpstream.apply(simulator.baseUrl()), Gateway.Options.defaults());
  }

  /** A replica with the system clock and two ingress instances. */
  public Gateway start(GatewayConfig config) {
    return start(config, Clock.systemUTC());
  }

  /** A replica whose budget windows, key expiry and reports read {@code clock}. */
  public Gateway start(GatewayConfig config, Clock clock) {
    return start(config, new Gateway.Options(clock, 2));
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
    if (killed.add(index)) {
      Await.await(replicaVertx.get(index).close());
    }
  }

  public SimulatorStats statsFor(String team) {
    return simulator.stats(KeyFingerprint.of(TestConfig.upstreamKey(team)));
  }

  @Override
  public void close() {
    for (int i = 0; i < gateways.size(); i++) {
      if (killed.contains(i)) {
        continue;
      }
      try {
        Await.await(gateways.get(i).stop());
      } catch (AssertionError | RuntimeException ignored) {
        // a replica the test drained or stopped itself cannot stop again
      }
      Await.await(replicaVertx.get(i).close());
    }
    http.close();
    if (ownsSimulator) {
      Await.await(simulator.stop());
    }
    Await.await(clientVertx.close());
  }
}
