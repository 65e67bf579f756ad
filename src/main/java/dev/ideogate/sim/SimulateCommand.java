package dev.ideogate.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ideogate.api.MicroUsd;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ideogate simulate}: runs the Ideogram simulator until the process is stopped. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Run a local HTTP server that behaves like the Ideogram API (for tests, benchmarks, dry runs).")
public final class SimulateCommand implements Callable<Integer> {
  private static final Set<String> ACCOUNT_FIELDS = Set.of("apiKey", "creditsUsd", "maxInFlight");

  @Option(names = "--port", defaultValue = "8090", description = "TCP port (0 = any free port). Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind. Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--accounts", description = "YAML file: accounts: [{apiKey, creditsUsd?, maxInFlight?}]. "
      + "Without it every key is accepted with unlimited credits and 10 in flight.")
  Path accountsFile;

  @Option(names = "--time-scale", defaultValue = "1.0",
      description = "Multiplies every simulated delay (0.01 = 100x faster, 0 = none). Default: ${DEFAULT-VALUE}")
  double timeScale;

  @Override
  public Integer call() throws Exception {
    List<SimulatorOptions.Account> accounts = accountsFile == null ? List.of() : readAccounts(accountsFile);
    SimulatorOptions options = SimulatorOptions.defaults().withHost(host).withPort(port).withTimeScale(timeScale)
        .withAccounts(accounts);
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
      stopped.countDown();
    }, "simulator-shutdown"));
    IdeogramSimulator simulator = IdeogramSimulator.start(vertx, options).await(30, TimeUnit.SECONDS);
    System.out.println("Ideogram simulator listening on " + simulator.baseUrl() + " (" + accounts.size()
        + " accounts" + (options.acceptAnyKey() ? ", any key accepted" : "") + ", time scale " + timeScale + ")");
    stopped.await();
    return 0;
  }

  /** Reads {@code accounts: [{apiKey, creditsUsd?, maxInFlight?}]}; USD amounts exactly, never through a float. */
  static List<SimulatorOptions.Account> readAccounts(Path file) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    JsonNode accountsNode = yaml.readTree(file.toFile()).path("accounts");
    if (!accountsNode.isArray()) {
      throw new IllegalArgumentException(file + ": expected 'accounts:' with a list of {apiKey, creditsUsd?, "
          + "maxInFlight?}");
    }
    List<SimulatorOptions.Account> accounts = new ArrayList<>();
    for (int i = 0; i < accountsNode.size(); i++) {
      JsonNode node = accountsNode.get(i);
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!ACCOUNT_FIELDS.contains(name)) {
          throw new IllegalArgumentException(file + ": accounts[" + i + "] has unknown field '" + name
              + "'; known: apiKey, creditsUsd, maxInFlight");
        }
      }
      JsonNode credits = node.get("creditsUsd");
      accounts.add(new SimulatorOptions.Account(
          node.path("apiKey").asText(null),
          credits == null || credits.isNull() ? null : MicroUsd.parse(credits.asText()),
          node.path("maxInFlight").asInt(SimulatorOptions.DEFAULT_MAX_IN_FLIGHT)));
    }
    return accounts;
  }
}
