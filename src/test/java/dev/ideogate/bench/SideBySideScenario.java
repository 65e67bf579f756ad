package dev.ideogate.bench;

import dev.ideogate.Gateway;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 14's table in one run (closed loop, wrk-style): the simulator reached directly, through nginx
 * {@code proxy_pass}, through Ideogate with the in-memory store and through Ideogate on Redis (strict content
 * policy, no rate limit), each at concurrency 1, 10 and 64; then rejections per second on the Redis-backed
 * gateway at concurrency 64 for an unknown key (401), a team out of budget (402), a forbidden model (403) and a
 * rate-limited team (429).
 */
final class SideBySideScenario {
  static final List<Integer> CONCURRENCY = List.of(1, 10, 64);
  private static final String[] GATEWAY_TEAM = {"dailyBudgetUsd: \"100000000\"", "maxConcurrency: 100",
      "maxQueued: 100000"};

  private final BenchOptions options;
  final Map<String, Map<Integer, ClosedLoopLoad.Result>> results = new LinkedHashMap<>();
  final Map<String, ClosedLoopLoad.Result> rejections = new LinkedHashMap<>();
  /** Gateway event-loop CPU µs per 200 at concurrency 64, by column (gateways only). */
  final Map<String, Double> cpuMicrosPerRequest = new LinkedHashMap<>();
  /** Bytes the gateway's event loops allocate per 200 at concurrency 64, by column (gateways only). */
  final Map<String, Double> allocatedBytesPerRequest = new LinkedHashMap<>();
  /** With -Dbench.profile=true: a JFR profile of each gateway's event loops, from its warm-up to its c=64 cell. */
  private final List<Table> profileTables = new ArrayList<>();

  SideBySideScenario(BenchOptions options) {
    this.options = options;
  }

  private double cellSeconds() {
    return options.quick() ? 1 : 3;
  }

  List<Table> run() throws Exception {
    Buffer body = Buffer.buffer(Http.generate("a red bicycle leaning on a blue wall at dawn", "V_2_TURBO", 1));
    Map<String, String> clientHeaders = headers(BenchRig.clientKey());
    try (BenchRig rig = new BenchRig()) {
      Map<String, String> upstreamHeaders = headers(BenchRig.upstreamKey());
      measure("direct", rig, rig.simulator.port(), upstreamHeaders, body, null);
      if (NginxProxy.installed()) {
        try (NginxProxy nginx = NginxProxy.start(freePort(), rig.simulator.port())) {
          measure("nginx", rig, nginx.port(), upstreamHeaders, body, null);
        }
      }
      // Lane limit 100, not Ideogram's 10: the simulator here has no limit, and this measures the path, not the lane.
      Vertx memoryVertx = Vertx.vertx(Gateway.vertxOptions().setEventLoopPoolSize(2));
      try {
        TestConfig inMemory = TestConfig.upstream(rig.simulator.baseUrl()).team(BenchRig.TEAM, GATEWAY_TEAM)
            .upstreamSettings("maxInFlightPerKey: 100");
        Gateway memory = Await.await(Gateway.start(memoryVertx, inMemory.build(), Gateway.Options.defaults()));
        measure("Ideogate in memory", rig, memory.port(), clientHeaders, body, EventLoopCpu.of(memoryVertx));
        Await.await(memory.stop());
      } finally {
        Await.await(memoryVertx.close());
      }
      Gateway redis = rig.replicas(1, c -> c.upstreamSettings("maxInFlightPerKey: 100")
          .team("broke", "dailyBudgetUsd: \"0.01\"")
          .team("narrow", "allowedModels: [V_1]")
          .team("limited", "rateLimit: { perMinute: 1, burst: 1 }"), GATEWAY_TEAM).get(0);
      measure("Ideogate on Redis", rig, redis.port(), clientHeaders, body, EventLoopCpu.of(rig.vertxOf(redis)));
      reject(rig, redis, "401 unknown key", headers(TestConfig.clientKey("nobody")), body);
      reject(rig, redis, "402 no budget", headers(TestConfig.clientKey("broke")), body);
      reject(rig, redis, "403 forbidden model", headers(TestConfig.clientKey("narrow")), body);
      reject(rig, redis, "429 rate limited", headers(TestConfig.clientKey("limited")), body);
    }
    return tables();
  }

  private static Map<String, String> headers(String key) {
    return Map.of("Content-Type", "application/json", "Api-Key", key);
  }

  /** @param cpu the gateway's event loops, measured over the concurrency-64 cell; null for direct and nginx */
  private void measure(String target, BenchRig rig, int port, Map<String, String> headers, Buffer body,
      EventLoopCpu cpu) throws Exception {
    Map<Integer, ClosedLoopLoad.Result> byConcurrency = new LinkedHashMap<>();
    results.put(target, byConcurrency);
    try (ClosedLoopLoad load = new ClosedLoopLoad(rig.clientVertx, port, headers, body)) {
      // Starting JFR stalls the JVM for a moment: started before the warm-up, which absorbs the stall.
      JfrProfile profile = cpu == null || !Boolean.getBoolean("bench.profile") ? null
          : JfrProfile.start(Path.of("target/bench", target.replace(' ', '-') + ".jfr"), cpu.threadIds());
      load.run(64, options.quick() ? 2 : 5); // warm-up: JIT, connections, Redis scripts
      for (int concurrency : CONCURRENCY) {
        boolean measureCpu = cpu != null && concurrency == 64;
        long cpuBefore = measureCpu ? cpu.nanos() : 0;
        long allocatedBefore = measureCpu ? cpu.allocatedBytes() : 0;
        ClosedLoopLoad.Result r = load.run(concurrency, cellSeconds());
        if (measureCpu) {
          long ok = r.statuses().getOrDefault(200, 0L);
          cpuMicrosPerRequest.put(target, ok == 0 ? Double.NaN : (cpu.nanos() - cpuBefore) / 1_000.0 / ok);
          allocatedBytesPerRequest.put(target,
              ok == 0 ? Double.NaN : (cpu.allocatedBytes() - allocatedBefore) / (double) ok);
        }
        if (profile != null && concurrency == 64) {
          profileTables.addAll(profile.stop(15, target));
        }
        byConcurrency.put(concurrency, r);
        System.out.printf("  side-by-side %-20s c=%-3d p50 %s p99 %s ms, %.0f answers/s %s%n", target, concurrency,
            Table.ms(r.p(50)), Table.ms(r.p(99)), r.answersPerSecond(), r.statuses());
      }
    }
  }

  private void reject(BenchRig rig, Gateway gateway, String what, Map<String, String> headers, Buffer body) {
    try (ClosedLoopLoad load = new ClosedLoopLoad(rig.clientVertx, gateway.port(), headers, body)) {
      load.run(64, options.quick() ? 1 : 2);
      ClosedLoopLoad.Result r = load.run(64, cellSeconds());
      rejections.put(what, r);
      System.out.printf("  side-by-side rejections %-20s %.0f/s %s%n", what, r.answersPerSecond(), r.statuses());
    }
  }

  private List<Table> tables() {
    List<String> header = new ArrayList<>(List.of(""));
    header.addAll(results.keySet());
    Table table = new Table("Side by side (closed loop, wrk-style)", header.toArray(String[]::new));
    for (int concurrency : CONCURRENCY) {
      table.row(cells("concurrency " + concurrency + ", p50 ms", r -> Table.ms(r.get(concurrency).p(50))));
      table.row(cells("concurrency " + concurrency + ", p99 ms", r -> Table.ms(r.get(concurrency).p(99))));
      table.row(cells("concurrency " + concurrency + ", requests/s",
          r -> String.format(java.util.Locale.ROOT, "%.0f%s", r.get(concurrency).perSecond(200),
              nonOk(r.get(concurrency)))));
    }
    Map<Integer, ClosedLoopLoad.Result> nginx = results.get("nginx");
    if (nginx != null) {
      table.row(cells("concurrency 64, requests/s ÷ nginx", r -> String.format(java.util.Locale.ROOT, "%.2f",
          r.get(64).perSecond(200) / nginx.get(64).perSecond(200))));
    }
    List<Object> cpuRow = new ArrayList<>(List.of("gateway CPU per request, c=64, µs"));
    results.keySet().forEach(target -> cpuRow.add(cpuMicrosPerRequest.containsKey(target)
        ? String.format(java.util.Locale.ROOT, "%.0f", cpuMicrosPerRequest.get(target)) : ""));
    table.row(cpuRow.toArray());
    List<Object> allocationRow = new ArrayList<>(List.of("gateway allocation per request, c=64, KB"));
    results.keySet().forEach(target -> allocationRow.add(allocatedBytesPerRequest.containsKey(target)
        ? String.format(java.util.Locale.ROOT, "%.1f", allocatedBytesPerRequest.get(target) / 1024) : ""));
    table.row(allocationRow.toArray());
    table.note(cellSeconds() + " s per cell after a warm-up at concurrency 64; requests/s counts 200s (other"
        + " statuses in brackets). Upstream: the project's simulator with no delay; the load generator, upstream,"
        + " proxies and Redis share this machine's cores. Gateway CPU per request: CPU time of the gateway's own"
        + " event loops (ThreadMXBean) over the concurrency-64 cell ÷ its 200s; GC and JIT threads not counted."
        + " Allocation per request: the bytes those event loops allocated over the same cell ÷ its 200s, a figure"
        + " that other load on the machine barely moves.");
    if (!NginxProxy.installed()) {
      table.note("nginx is not installed here (apt-get install -y nginx): no nginx column.");
    }
    Table rejected = new Table("Rejections on the Redis-backed gateway (concurrency 64)", "rejection",
        "rejections/s", "per core (÷ " + Runtime.getRuntime().availableProcessors() + ")", "p50 ms", "p99 ms",
        "statuses");
    rejections.forEach((what, r) -> {
      int expected = Integer.parseInt(what.substring(0, 3));
      rejected.row(what, String.format(java.util.Locale.ROOT, "%.0f", r.perSecond(expected)),
          String.format(java.util.Locale.ROOT, "%.0f", r.perSecond(expected)
              / Runtime.getRuntime().availableProcessors()), Table.ms(r.p(50)), Table.ms(r.p(99)), r.statuses());
    });
    rejected.note("Per core divides by all the machine's cores, though the load generator runs on them too.");
    List<Table> all = new ArrayList<>(List.of(table, rejected));
    all.addAll(profileTables);
    return all;
  }

  private Object[] cells(String label, java.util.function.Function<Map<Integer, ClosedLoopLoad.Result>, String> cell) {
    List<Object> row = new ArrayList<>(List.of(label));
    results.values().forEach(r -> row.add(cell.apply(r)));
    return row.toArray();
  }

  private static String nonOk(ClosedLoopLoad.Result r) {
    Map<Integer, Long> other = new java.util.TreeMap<>(r.statuses());
    other.remove(200);
    return other.isEmpty() ? "" : " " + other;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
