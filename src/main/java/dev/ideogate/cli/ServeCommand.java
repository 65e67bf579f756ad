package dev.ideogate.cli;

import dev.ideogate.Gateway;
import dev.ideogate.config.ConfigException;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.ConfigWatcher;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** Runs the gateway until SIGTERM, then drains (readiness false, queued and in-flight requests finish) and exits 0. */
@Command(name = "serve", description = "Run the gateway (default command).", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static final long CONFIG_POLL_MS = 2_000;
  private static final AtomicBoolean STARTED_DRAIN = new AtomicBoolean();
  private static final List<String> DEMO_TEAMS = List.of("marketing", "product", "social");

  @Option(names = "--config", description = "Config file (default: ${DEFAULT-VALUE}).", defaultValue = "conf/ideogate.yaml")
  Path config;

  @Option(names = "--demo", description = "Embedded defaults: in-memory budget (Redis when REDIS_URL is set), a built-in"
      + " Ideogram simulator as upstream, demo keys printed. No Ideogram key needed.")
  boolean demo;

  @Option(names = "--port", description = "Client port in demo mode (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
  int demoPort;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx(Gateway.vertxOptions());
    GatewayConfig gatewayConfig;
    try {
      gatewayConfig = demo ? startDemoUpstream(vertx) : ConfigLoader.load(config, System::getenv);
    } catch (ConfigException e) {
      System.err.println("invalid configuration " + config + ":");
      e.errors().forEach(error -> System.err.println("  - " + error));
      vertx.close();
      return 1;
    }
    Gateway gateway;
    try {
      gateway = await(Gateway.start(vertx, gatewayConfig, Gateway.Options.defaults()));
    } catch (ExecutionException e) {
      vertx.close();
      System.err.println("error: cannot listen on port " + gatewayConfig.server().port() + " or management port "
          + gatewayConfig.server().managementPort() + ": " + CliErrors.oneLine(e));
      return 1;
    }
    LOG.info("ideogate listening on port {} (management {}), environment {}, {} teams, budget store {}, transport {}",
        gateway.port(), gateway.managementPort(), gatewayConfig.environment(), gatewayConfig.teams().size(),
        gatewayConfig.redis().enabled() ? "redis" : "in-memory", vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    if (demo) {
      printDemoBanner(gateway);
    } else {
      ConfigWatcher.start(vertx, config, System::getenv, CONFIG_POLL_MS, gatewayConfig, gateway::reload,
          gateway.metrics().configOutcomes());
    }
    Duration grace = gatewayConfig.server().drainGrace();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Runnable shutdown = () -> drainOnce(gateway, vertx, grace, stopped);
    // SIGTERM (Kubernetes) and SIGINT (Ctrl-C) drain and then exit 0. Handling the signal ourselves matters: a
    // JVM that shuts down on SIGTERM through its default handler exits 143 whatever its shutdown hooks do.
    boolean signalsHandled = handleSignals(shutdown);
    // Other ways out (System.exit elsewhere, SIGHUP) still drain, best effort.
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "ideogate-shutdown-hook"));
    stopped.join();
    LOG.info("ideogate stopped");
    if (signalsHandled) {
      System.exit(0); // Main does not exit after serve; lingering non-daemon threads must not keep the pod alive
    }
    return 0;
  }

  /** Drains once, whoever asks first (signal or shutdown hook); later callers wait for the same drain. */
  private static void drainOnce(Gateway gateway, Vertx vertx, Duration grace, CompletableFuture<Void> stopped) {
    if (STARTED_DRAIN.getAndSet(true)) {
      stopped.join();
      return;
    }
    LOG.info("shutting down: draining for up to {} s", grace.toSeconds());
    try {
      gateway.drainAndStop(grace).toCompletionStage().toCompletableFuture()
          .get(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("shutdown did not complete cleanly: {}", e.getClass().getSimpleName());
    } finally {
      stopped.complete(null);
    }
  }

  private static boolean handleSignals(Runnable shutdown) {
    try {
      for (String name : List.of("TERM", "INT")) {
        Signal.handle(new Signal(name), signal -> new Thread(shutdown, "ideogate-drain").start());
      }
      return true;
    } catch (IllegalArgumentException e) {
      LOG.warn("cannot handle SIGTERM on this platform; relying on the shutdown hook");
      return false;
    }
  }

  private GatewayConfig startDemoUpstream(Vertx vertx) throws Exception {
    IdeogramSimulator simulator = await(IdeogramSimulator.start(vertx, SimulatorOptions.defaults().withPort(0).withTimeScale(0.2)));
    GatewayConfig demoConfig = ConfigLoader.demo(simulator.baseUrl(), demoPort, 9090);
    LOG.info("demo upstream: built-in Ideogram simulator at {}", simulator.baseUrl());
    return demoConfig;
  }

  private void printDemoBanner(Gateway gateway) {
    StringBuilder banner = new StringBuilder("\n  Ideogate demo is up on http://localhost:" + gateway.port()
        + "  (management: http://localhost:" + gateway.managementPort() + ")\n  Demo client keys:\n");
    DEMO_TEAMS.forEach(team -> banner.append("    ").append(team).append(": igk_demo_").append(team).append('\n'));
    banner.append("    admin (management port): igk_demo_admin\n\n  Try:\n    curl -s http://localhost:")
        .append(gateway.port())
        .append("/generate -H 'Api-Key: igk_demo_marketing' -H 'Content-Type: application/json'"
            + " -d '{\"image_request\":{\"prompt\":\"a lighthouse at dawn, flat vector poster\",\"model\":\"V_2_TURBO\","
            + "\"style_type\":\"DESIGN\"}}' -i\n    curl -s http://localhost:")
        .append(gateway.port())
        .append("/v1/usage -H 'Api-Key: igk_demo_marketing' -H 'Accept: text/plain'\n");
    System.out.println(banner);
    System.out.flush();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
