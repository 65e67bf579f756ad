package dev.ideogate.bench;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * CPU time spent on one {@link Vertx}'s event loops (ThreadMXBean, per thread): a gateway's own work, apart from the
 * load generator, the simulator and nginx that share the JVM or the machine. GC and JIT threads are not in it. Also
 * the bytes they allocate.
 */
final class EventLoopCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final List<Long> threadIds;

  private EventLoopCpu(List<Long> threadIds) {
    this.threadIds = threadIds;
  }

  static EventLoopCpu of(Vertx vertx) {
    return new EventLoopCpu(List.copyOf(threadsOf(vertx)));
  }

  /** The ids of {@code vertx}'s event-loop threads, learnt by running a task on each loop. */
  static Set<Long> threadsOf(Vertx vertx) {
    Set<Long> ids = new TreeSet<>();
    for (EventExecutor loop : ((VertxInternal) vertx).eventLoopGroup()) {
      CompletableFuture<Long> id = new CompletableFuture<>();
      loop.execute(() -> id.complete(Thread.currentThread().getId()));
      try {
        ids.add(id.get(10, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new IllegalStateException("event loop did not run a task", e);
      }
    }
    return ids;
  }

  Set<Long> threadIds() {
    return Set.copyOf(threadIds);
  }

  /**
   * Bytes the loops have allocated so far: unlike CPU time, barely moved by other load on the machine, so it shows a
   * change of work per request where CPU figures are lost in the noise.
   */
  long allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) THREADS;
    long total = 0;
    for (long id : threadIds) {
      total += Math.max(0, threads.getThreadAllocatedBytes(id));
    }
    return total;
  }

  /** CPU nanoseconds the loops have used so far. */
  long nanos() {
    long total = 0;
    for (long id : threadIds) {
      long cpu = THREADS.getThreadCpuTime(id);
      total += Math.max(0, cpu);
    }
    return total;
  }
}
