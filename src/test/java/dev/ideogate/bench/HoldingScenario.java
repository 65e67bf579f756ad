package dev.ideogate.bench;

import dev.ideogate.Gateway;
import dev.ideogate.dispatch.DispatcherVerticle.LaneView;
import dev.ideogate.sim.SimulatorKnobs;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Scenario 4, holding power: a crowd of clients (a forked JVM) all waiting on one lane of one replica. The
 * simulator first holds the lane's first 10 calls ("the gate") so that the whole crowd is queued at once; then
 * calls take 10 ms and the queue drains at ~1,000/s. Heap is measured after a GC, before the crowd and with the
 * crowd queued; this JVM holds the gateway and the simulator, not the clients.
 */
final class HoldingScenario {
  private static final int RAMP_PER_SECOND = 4_000;
  private static final int FD_MARGIN = 300;

  private final BenchOptions options;
  int requested;
  int clients;
  long fdLimit;
  int peakQueued;
  long heapBeforeBytes;
  long heapQueuedBytes;
  JsonObject result;

  HoldingScenario(BenchOptions options) {
    this.options = options;
  }

  List<Table> run() throws Exception {
    requested = options.holdingClients();
    try (BenchRig rig = new BenchRig()) {
      Gateway gateway = rig.replicas(1, c -> c.server("idleTimeout: 600s"),
          "dailyBudgetUsd: \"100000000\"", "maxQueued: " + Math.max(20_000, requested), "maxQueueWait: 600s").get(0);
      fdLimit = fdLimit();
      clients = (int) Math.min(requested, fdLimit - openFds() - FD_MARGIN);
      long gateMs = 1000L * clients / RAMP_PER_SECOND + 8_000;
      rig.upstreamKnobs(SimulatorKnobs.NONE.withLatencyMs(gateMs));
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      memory.gc();
      heapBeforeBytes = memory.getHeapMemoryUsage().getUsed();
      Process crowd = fork(gateway.port(), clients);
      AtomicReference<String> resultLine = new AtomicReference<>();
      AtomicInteger sent = new AtomicInteger();
      Thread reader = readLines(crowd, resultLine, sent);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gateMs - 1_000);
      while (System.nanoTime() < deadline) {
        int queued = gateway.dispatcher().lanes().stream().mapToInt(LaneView::queued).sum();
        peakQueued = Math.max(peakQueued, queued);
        if (sent.get() >= clients && queued >= clients - 10) {
          break;
        }
        Thread.sleep(100);
      }
      memory.gc();
      heapQueuedBytes = memory.getHeapMemoryUsage().getUsed();
      peakQueued = Math.max(peakQueued, gateway.dispatcher().lanes().stream().mapToInt(LaneView::queued).sum());
      System.out.printf("  holding: %d queued, heap %d MB → %d MB%n", peakQueued, heapBeforeBytes >> 20,
          heapQueuedBytes >> 20);
      rig.upstreamKnobs(SimulatorKnobs.NONE.withLatencyMs(10L)); // open the gate for every later call
      if (!crowd.waitFor(600, TimeUnit.SECONDS)) {
        crowd.destroyForcibly();
      }
      reader.join(5_000);
      result = resultLine.get() == null ? new JsonObject().put("error", "the crowd printed no result")
          : new JsonObject(resultLine.get().substring("RESULT ".length()));
    }
    return List.of(table());
  }

  private Table table() {
    Table table = new Table("4. Holding power (one lane, one replica, a crowd waiting at once)",
        "clients", "peak queued", "heap before (MB)", "heap with crowd queued (MB)", "heap per waiting request",
        "statuses", "queue wait p50 / p99 / max (ms)", "errors");
    long perRequest = clients == 0 ? 0 : (heapQueuedBytes - heapBeforeBytes) / Math.max(1, peakQueued);
    JsonObject statuses = result.getJsonObject("statuses", new JsonObject());
    long errors = statuses.fieldNames().stream().filter(k -> !k.equals("200"))
        .mapToLong(k -> statuses.getLong(k)).sum() + (clients - result.getLong("answered", 0L));
    table.row(clients, peakQueued, heapBeforeBytes >> 20, heapQueuedBytes >> 20, (perRequest / 1024) + " KB",
        statuses.encode(), result.getLong("queueWaitP50Ms", -1L) + " / " + result.getLong("queueWaitP99Ms", -1L)
            + " / " + result.getLong("queueWaitMaxMs", -1L), errors);
    if (clients < requested) {
      table.note("Asked for " + requested + " clients; ran " + clients + ": this process may open " + fdLimit
          + " file descriptors (ulimit -n, hard limit, not raisable here), one per client connection plus what"
          + " the JVM, Redis and simulator connections already hold.");
    }
    table.note("Heap is used heap after a full GC (MemoryMXBean) of the JVM that runs the gateway and the simulator;"
        + " the clients run in a forked JVM. The gate (the first 10 calls held until the whole crowd is queued) "
        + "is part of every queue wait; afterwards calls take 10 ms, 10 at a time.");
    return table;
  }

  private static Process fork(int port, int count) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", classpath,
        "-Dlogback.configurationFile=logback-bench.xml", HoldingClients.class.getName(), Integer.toString(port),
        Integer.toString(count), Integer.toString(RAMP_PER_SECOND), BenchRig.clientKey()));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static Thread readLines(Process crowd, AtomicReference<String> result, AtomicInteger sent) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(crowd.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("RESULT ")) {
            result.set(line);
          } else if (line.startsWith("SENT ")) {
            sent.set(Integer.parseInt(line.split(" ")[1]));
          } else if (!line.isBlank()) {
            System.out.println("  crowd: " + line);
          }
        }
      } catch (IOException ignored) {
        // the crowd exited
      }
    });
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  static long fdLimit() throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/limits"))) {
      return lines.filter(l -> l.startsWith("Max open files")).map(l -> l.trim().split("\\s+")[3])
          .mapToLong(Long::parseLong).findFirst().orElse(20_000);
    }
  }

  static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
