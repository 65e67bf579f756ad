package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.RecordedRequest;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three replicas, one upstream key, 300 clients in a closed loop split 70/20/10: the deployment keeps Ideogram at
 * exactly 10 in flight, never draws a 429, uses the slots fully, and the small replica is served in order.
 */
class ClusterLaneSkewTest {
  private static final long LATENCY_MS = 200;
  private static final int[] CLIENTS = {210, 60, 30};
  private static final long RUN_MS = 7_000;
  private static final long STEADY_FROM_MS = 1_000;
  private static final long STEADY_TO_MS = 6_500;

  private static RedisServer redis;
  private static Vertx simVertx;
  private static IdeogramSimulator simulator;

  /** One client request as the client saw it. */
  record Call(int replica, int client, long sentAtMs, long doneAtMs, int status, long queueWaitMs) {
    /** When the call left the queue for Ideogram, give or take the ledger round trip before it was queued. */
    long dispatchedAtMs() {
      return sentAtMs + queueWaitMs;
    }
  }

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    simVertx = Vertx.vertx();
    simulator = Replicas.await(IdeogramSimulator.start(simVertx, SimulatorOptions.defaults()));
  }

  @AfterAll
  static void stop() {
    Replicas.await(simVertx.close());
    redis.close();
  }

  @Test
  void threeReplicasWithSkewedClientsKeepTheKeyExactlyFullWithout429s() throws InterruptedException {
    try (Replicas replicas = Replicas.start(3, redis.url(), simulator, "30s", "10s")) {
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(LATENCY_MS));
      warmUp(replicas);
      ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
      int total = CLIENTS[0] + CLIENTS[1] + CLIENTS[2];
      CountDownLatch done = new CountDownLatch(total);
      long startMs = System.currentTimeMillis();
      long deadline = startMs + RUN_MS;
      for (int replica = 0; replica < 3; replica++) {
        for (int client = 0; client < CLIENTS[replica]; client++) {
          loop(replicas, replica, client, deadline, calls, done);
        }
      }
      // Throughput as Ideogram sees it: calls answered during the steady part, when every client is in its loop.
      Thread.sleep(STEADY_FROM_MS);
      long acceptedBefore = replicas.upstreamStats().accepted();
      long steadyStartMs = System.currentTimeMillis();
      Thread.sleep(STEADY_TO_MS - STEADY_FROM_MS);
      long upstreamSteady = replicas.upstreamStats().accepted() - acceptedBefore;
      long steadyEndMs = System.currentTimeMillis();
      double upstreamPerSecond = upstreamSteady * 1000.0 / (steadyEndMs - steadyStartMs);
      assertTrue(done.await(RUN_MS + 30_000, TimeUnit.MILLISECONDS), "every client finished");
      SimulatorStats stats = replicas.upstreamStats();
      double utilisation = utilisation(simulator.recentRequests(replicas.lane()), steadyStartMs, steadyEndMs);
      double serviceMs = simulator.recentRequests(replicas.lane()).stream()
          .mapToLong(r -> r.finishedAtMs() - r.arrivedAtMs()).average().orElseThrow();

      List<Call> all = new ArrayList<>(calls);
      long steady = all.stream()
          .filter(c -> c.doneAtMs() >= startMs + STEADY_FROM_MS && c.doneAtMs() < startMs + STEADY_TO_MS).count();
      double perSecond = steady * 1000.0 / (STEADY_TO_MS - STEADY_FROM_MS);
      long[] perReplica = new long[3];
      all.forEach(c -> perReplica[c.replica()]++);
      System.out.printf("skewed run: %d calls; steady part: %.1f/s answered upstream (%.1f%% of 50/s), %.1f/s at the"
              + " clients, slot utilisation %.1f%% (simulated latency averaged %.1f ms); calls per replica %d/%d/%d;"
              + " upstream max concurrency %d, upstream 429s %d, non-200 %d%n",
          all.size(), upstreamPerSecond, upstreamPerSecond * 2, perSecond, utilisation * 100, serviceMs,
          perReplica[0], perReplica[1], perReplica[2], stats.maxConcurrency(),
          stats.rejected429(), all.stream().filter(c -> c.status() != 200).count());

      assertEquals(10, stats.maxConcurrency(), "exactly the key's limit in flight at the peak");
      assertEquals(0, stats.rejected429(), "no upstream 429");
      assertTrue(all.stream().allMatch(c -> c.status() == 200), "every call answered 200");
      // 95% of 10 ÷ latency: judged on the latency the simulator actually served, since on a loaded machine its
      // own timers run late (that is not a slot the gateway left idle).
      assertTrue(utilisation >= 0.95, "slots busy " + utilisation + " of the steady part, < 95%");
      assertTrue(upstreamPerSecond >= 0.95 * 10 / (serviceMs / 1000.0), "completed/s " + upstreamPerSecond
          + " < 95% of 10 ÷ " + serviceMs + " ms");
      assertTrue(perReplica[2] >= 0.10 * all.size(), "the 10% replica gets at least its clients' share, got "
          + perReplica[2] + " of " + all.size() + " calls");
      assertInOrder(all, 2);
      awaitPermitsReleased(replicas);
    }
  }

  /** A few calls through each replica first, so the measured run starts with warm code and open connections. */
  static void warmUp(Replicas replicas) {
    List<io.vertx.core.Future<?>> calls = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int replica = 0; replica < 3; replica++) {
        for (int i = 0; i < 10; i++) {
          calls.add(replicas.generate(replica, "warm-up"));
        }
      }
      Replicas.await(io.vertx.core.Future.join(calls));
    }
  }

  private static void loop(Replicas replicas, int replica, int client, long deadline,
      ConcurrentLinkedQueue<Call> calls, CountDownLatch done) {
    if (System.currentTimeMillis() >= deadline) {
      done.countDown();
      return;
    }
    long sentAt = System.currentTimeMillis();
    replicas.generate(replica, "poster " + replica + "-" + client).onComplete(ar -> {
      String wait = ar.succeeded() ? ar.result().getHeader("X-Ideogate-Queue-Wait-Ms") : null;
      calls.add(new Call(replica, client, sentAt, System.currentTimeMillis(),
          ar.succeeded() ? ar.result().statusCode() : -1, wait == null ? -1 : Long.parseLong(wait)));
      loop(replicas, replica, client, deadline, calls, done);
    });
  }

  /**
   * FIFO within a replica: a request sent clearly later (50 ms, more than the ledger round trip that precedes the
   * queue) never left the queue clearly earlier (by more than that round trip). Judged on the dispatch time, not
   * the answer time, which carries the simulator's own timer jitter on a loaded machine.
   */
  private static void assertInOrder(List<Call> all, int replica) {
    List<Call> mine = all.stream().filter(c -> c.replica() == replica).toList();
    assertTrue(mine.stream().allMatch(c -> c.queueWaitMs() >= 0), "every answer says how long it queued");
    assertTrue(mine.stream().anyMatch(c -> c.queueWaitMs() > 500), "the replica's calls did queue");
    int inversions = 0;
    for (Call earlier : mine) {
      for (Call later : mine) {
        if (later.sentAtMs() - earlier.sentAtMs() >= 50 && earlier.dispatchedAtMs() > later.dispatchedAtMs() + 50) {
          inversions++;
        }
      }
    }
    assertEquals(0, inversions, "requests of replica " + replica + " answered out of order");
  }

  /** Share of the 10 slots' time in [fromMs, toMs) that the simulator spent serving calls. */
  private static double utilisation(List<RecordedRequest> calls, long fromMs, long toMs) {
    long busyMs = 0;
    for (RecordedRequest call : calls) {
      long end = call.finishedAtMs() == 0 ? toMs : call.finishedAtMs();
      busyMs += Math.max(0, Math.min(end, toMs) - Math.max(call.arrivedAtMs(), fromMs));
    }
    return busyMs / (10.0 * (toMs - fromMs));
  }

  static void awaitPermitsReleased(Replicas replicas) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (replicas.permitsKeyExists() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, replicas.permitsTaken(), "no permit left taken");
  }
}
