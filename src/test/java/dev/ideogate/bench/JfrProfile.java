package dev.ideogate.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * An in-process JFR recording (the "profile" settings: execution samples every 1 ms, allocation samples) and a
 * small aggregation of it. Client, simulator and gateway share this JVM, so samples are split by thread: the
 * gateway's event-loop threads are identified up front, and only their samples name Ideogate's hot spots.
 */
public final class JfrProfile {
  private final Recording recording;
  private final Set<Long> gatewayThreads;
  private final Path file;

  private JfrProfile(Recording recording, Set<Long> gatewayThreads, Path file) {
    this.recording = recording;
    this.gatewayThreads = gatewayThreads;
    this.file = file;
  }

  public static JfrProfile start(Path file, Set<Long> gatewayThreads) throws IOException, ParseException {
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    recording.setName("ideogate-overhead");
    // 1 ms instead of the profile's 10 ms: an event loop is in Java code only part of the time (the rest is in
    // epoll and socket writes, which execution samples do not see), so 10 ms leaves too few samples to rank.
    recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
    recording.start();
    return new JfrProfile(recording, gatewayThreads, file);
  }

  /** Stops, saves the recording, and returns tables of the gateway's hot methods and allocation sites. */
  public List<Table> stop(int top) throws IOException {
    return stop(top, null);
  }

  /** As {@link #stop(int)}, with {@code whose} (the profiled gateway) added to each table's title. */
  public List<Table> stop(int top, String whose) throws IOException {
    String of = whose == null ? "" : ", " + whose;
    recording.stop();
    recording.dump(file);
    recording.close();
    Map<String, Long> selfMethods = new HashMap<>();
    Map<String, Long> ideogateFrames = new HashMap<>();
    Map<String, Long> allocations = new HashMap<>();
    long gatewaySamples = 0;
    long allSamples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      String type = event.getEventType().getName();
      boolean sample = type.equals("jdk.ExecutionSample");
      boolean allocation = type.equals("jdk.ObjectAllocationSample");
      if (!sample && !allocation) {
        continue;
      }
      var thread = sample ? event.getThread("sampledThread") : event.getThread("eventThread");
      boolean gateway = thread != null && gatewayThreads.contains(thread.getJavaThreadId());
      RecordedStackTrace stack = event.getStackTrace();
      if (sample) {
        allSamples++;
      }
      if (!gateway || stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      if (sample) {
        gatewaySamples++;
        selfMethods.merge(name(stack.getFrames().get(0)), 1L, Long::sum);
        ideogateFrames.merge(firstIdeogateFrame(stack), 1L, Long::sum);
      } else {
        allocations.merge(event.getClass("objectClass").getName() + " ← " + firstUsefulFrame(stack),
            event.getLong("weight"), Long::sum);
      }
    }
    long gatewayTotal = gatewaySamples;
    Table methods = share("JFR: hottest methods on the gateway's threads (self time)" + of, "method", selfMethods,
        gatewayTotal, top, "samples");
    methods.note(gatewaySamples + " of " + allSamples + " execution samples were on the gateway's event loops "
        + "(the rest: load generator, simulator, JIT, GC); recording saved to " + file);
    Table frames = share("JFR: gateway samples by innermost Ideogate frame on the stack" + of, "Ideogate frame",
        ideogateFrames, gatewayTotal, top, "samples");
    long allocTotal = allocations.values().stream().mapToLong(Long::longValue).sum();
    Table alloc = share("JFR: allocation on the gateway's threads (sampled weight)" + of, "class ← site", allocations,
        allocTotal, top, "MB");
    return List.of(methods, frames, alloc);
  }

  private static Table share(String title, String what, Map<String, Long> counts, long total, int top, String unit) {
    Table table = new Table(title, what, unit, "share");
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(top)
        .forEach(e -> table.row("`" + e.getKey() + "`",
            unit.equals("MB") ? String.format(java.util.Locale.ROOT, "%.1f", e.getValue() / 1e6) : e.getValue(),
            String.format(java.util.Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100.0 * e.getValue() / total)));
    return table;
  }

  private static String name(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    int lastDot = type.lastIndexOf('.');
    StringBuilder shortPackage = new StringBuilder();
    for (String part : type.substring(0, Math.max(0, lastDot)).split("\\.")) {
      if (!part.isEmpty()) {
        shortPackage.append(part.charAt(0)).append('.');
      }
    }
    return shortPackage + type.substring(lastDot + 1) + "." + frame.getMethod().getName();
  }

  /** The innermost frame of our own code (not the benchmark, not the simulator): which step of the path burns. */
  private static String firstIdeogateFrame(RecordedStackTrace stack) {
    for (RecordedFrame frame : stack.getFrames()) {
      String type = frame.getMethod().getType().getName();
      if (type.startsWith("dev.ideogate.") && !type.startsWith("dev.ideogate.bench")
          && !type.startsWith("dev.ideogate.sim")) {
        return name(frame);
      }
    }
    return "(no Ideogate frame: Netty/Vert.x I/O)";
  }

  /** The innermost frame outside the JDK's own collections/strings: where an allocation was asked for. */
  private static String firstUsefulFrame(RecordedStackTrace stack) {
    for (RecordedFrame frame : stack.getFrames()) {
      String type = frame.getMethod().getType().getName();
      if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
        return name(frame);
      }
    }
    return name(stack.getFrames().get(0));
  }
}
