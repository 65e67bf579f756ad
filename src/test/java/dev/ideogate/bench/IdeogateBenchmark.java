package dev.ideogate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark suite (issue 7): {@code mvn -Pbench test} (or {@code -Dbench.quick=true} for a smoke run). Runs
 * every scenario in turn, each on its own loopback rig (Redis, simulator, gateways, nginx), prints one table per
 * scenario and a summary, and writes the same Markdown to {@code target/bench/results.md}. It asserts nothing
 * about timing: numbers are reported, never gated.
 */
class IdeogateBenchmark {
  private static final Path OUT = Path.of("target", "bench");

  @Test
  void runsEveryScenarioAndWritesTheResultsFile() throws Exception {
    BenchOptions options = BenchOptions.fromSystemProperties();
    Files.createDirectories(OUT);
    Instant started = Instant.now();
    List<Table> tables = new ArrayList<>();
    Summary summary = new Summary();
    if (options.runs("overhead")) {
      OverheadScenario overhead = new OverheadScenario(options, OUT);
      tables.addAll(announce(overhead.run()));
      summary.overhead(overhead);
    }
    if (options.runs("sidebyside")) {
      tables.addAll(announce(new SideBySideScenario(options).run()));
    }
    if (options.runs("lanes")) {
      LaneScenario lanes = new LaneScenario(options);
      tables.addAll(announce(lanes.run()));
      summary.lanes(lanes);
    }
    if (options.runs("budget")) {
      BudgetScenario budget = new BudgetScenario(options);
      tables.addAll(announce(budget.run()));
      summary.budget(budget);
    }
    if (options.runs("holding")) {
      HoldingScenario holding = new HoldingScenario(options);
      tables.addAll(announce(holding.run()));
      summary.holding(holding);
    }
    // Issue 14 reads these three together: the side-by-side table, the Redis cost per request and the cold burst.
    if (options.runs("redis") || options.runs("sidebyside")) {
      RedisCostScenario redis = new RedisCostScenario(options);
      tables.addAll(announce(redis.run()));
      summary.redis(redis);
    }
    if (options.runs("burst") || options.runs("sidebyside")) {
      ColdBurstScenario burst = new ColdBurstScenario();
      tables.addAll(announce(burst.run()));
      summary.burst(burst);
    }
    if (options.runs("stall")) {
      StallScenario stall = new StallScenario(options);
      tables.addAll(announce(stall.run()));
      summary.stall(stall);
    }
    String report = "## Ideogate benchmark results\n\n" + machineNote(options, started) + "\n"
        + summary.table().markdown() + tables.stream().map(Table::markdown).reduce("", String::concat);
    Files.writeString(OUT.resolve("results.md"), report);
    System.out.println("\n" + summary.table().markdown());
    System.out.println("Results written to " + OUT.resolve("results.md").toAbsolutePath());
  }

  private static List<Table> announce(List<Table> tables) {
    tables.forEach(t -> System.out.println("\n" + t.markdown()));
    return tables;
  }

  static String machineNote(BenchOptions options, Instant started) throws IOException {
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    var runtime = ManagementFactory.getRuntimeMXBean();
    return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu + "; Java "
        + System.getProperty("java.version") + " (" + runtime.getVmName() + "), max heap "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB; " + System.getProperty("os.name") + " "
        + System.getProperty("os.version") + ".  \nRun: " + started.truncatedTo(ChronoUnit.SECONDS)
        + (options.quick() ? " (quick mode: short phases, small crowds)" : "") + "; load generator, simulator,"
        + " gateways, Redis and nginx all on this machine, over loopback.\n";
  }
}
