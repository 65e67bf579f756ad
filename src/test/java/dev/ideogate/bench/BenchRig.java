package dev.ideogate.bench;

import dev.ideogate.Gateway;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What one scenario runs against, all on loopback: its own redis-server, the simulator (zero delay, no
 * concurrency limit until a scenario turns its knobs), a client {@link Vertx}, and gateway replicas each on its
 * own {@link Vertx} as separate processes would be. Close it to stop everything.
 */
public final class BenchRig implements AutoCloseable {
  public static final String TEAM = "bench";

  public final RedisServer redis = RedisServer.startOwned();
  public final Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final Vertx simulatorVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  public final IdeogramSimulator simulator =
      Await.await(IdeogramSimulator.start(simulatorVertx, SimulatorOptions.defaults().withTimeScale(0)));
  private final List<Vertx> replicaVertx = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();

  public BenchRig() {
    simulator.configure(SimulatorKnobs.NONE.withLatencyMs(0L).withMaxInFlight(100_000));
  }

  /** The one team every scenario uses: auth, policy (strict) and the Redis ledger on; extra lines replace defaults. */
  public TestConfig config(String... teamLines) {
    return TestConfig.upstream(simulator.baseUrl()).redis(redis.url()).team(TEAM, teamLines);
  }

  /** Starts {@code count} replicas with the same config, each on its own two-loop Vertx. */
  public List<Gateway> replicas(int count, UnaryOperator<TestConfig> tune, String... teamLines) {
    List<Gateway> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      GatewayConfig config = tune.apply(config(teamLines)).build();
      Vertx vertx = Vertx.vertx(Gateway.vertxOptions().setEventLoopPoolSize(2)); // as `ideogate serve`
      replicaVertx.add(vertx);
      Gateway gateway = Await.await(Gateway.start(vertx, config, Gateway.Options.defaults()));
      gateways.add(gateway);
      started.add(gateway);
    }
    return started;
  }

  /** The Vertx a replica runs on (its event loops are that replica's threads). */
  public Vertx vertxOf(Gateway gateway) {
    return replicaVertx.get(gateways.indexOf(gateway));
  }

  /** Knobs for the team's upstream key. */
  public void upstreamKnobs(SimulatorKnobs knobs) {
    simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey(TEAM)), knobs);
  }

  public SimulatorStats upstreamStats() {
    return simulator.stats(KeyFingerprint.of(TestConfig.upstreamKey(TEAM)));
  }

  public static String clientKey() {
    return TestConfig.clientKey(TEAM);
  }

  public static String upstreamKey() {
    return TestConfig.upstreamKey(TEAM);
  }

  /** Clients first (nothing new arrives), then replicas, the simulator and Redis; each step waits ≤ 10 s. */
  @Override
  public void close() {
    quietly(clientVertx.close());
    for (int i = 0; i < gateways.size(); i++) {
      quietly(gateways.get(i).stop());
      quietly(replicaVertx.get(i).close());
    }
    quietly(simulatorVertx.close());
    redis.close();
  }

  private static void quietly(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // stopping is best effort: the next scenario starts its own rig on fresh ports
    }
  }
}
