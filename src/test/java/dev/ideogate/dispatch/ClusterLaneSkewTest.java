package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three replicas, one upstream key, 300 clients in a closed loop split 70/20/10: the deployment keeps Ideogram at
 * exactly 10 in flight, never draws a 429, answers every call, and serves the small replica its share, in order.
 * How fully the slots are used (completions per second against the ideal) is a speed figure: the benchmark's
 * lane scenario measures it (mvn -Pbench test), never this test.
 */
class ClusterLaneSkewTest {
  private static final long LATENCY_MS = 200;
  private static final int[] CLIENTS = {210, 60, 30};
  private static final long RUN_MS = 7_000;

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
    simulator = Await.await(IdeogramSimulator.start(simVertx, SimulatorOptions.defaults()));
  }

  @AfterAll
  static void stop() {
    Await.await(simVertx.close());
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
      long deadline = System.currentTimeMillis() + RUN_MS;
      for (int replica = 0; replica < 3; replica++) {
        for (int client = 0; client < CLIENTS[replica]; client++) {
          loop(replicas, replica, client, deadline, calls, done);
        }
      }
      assertTrue(done.await(RUN_MS + 60_000, TimeUnit.MILLISECONDS), "every client finished");
      SimulatorStats stats = replicas.upstreamStats();
      List<Call> all = new ArrayList<>(calls);
      long[] perReplica = new long[3];
      all.forEach(c -> perReplica[c.replica()]++);

      assertEquals(10, stats.maxConcurrency(), "the key's limit reached at the peak, never passed");
      assertEquals(0, stats.rejected429(), "no upstream 429");
      assertEquals(Map.of(200, (long) all.size()), all.stream().collect(Collectors.groupingBy(Call::status,
          Collectors.counting())), "every call answered 200");
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
      Await.await(io.vertx.core.Future.join(calls));
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

  static void awaitPermitsReleased(Replicas replicas) {
    Await.until("every permit released", Duration.ofSeconds(10), () -> !replicas.permitsKeyExists());
    assertEquals(0, replicas.permitsTaken(), "no permit left taken");
  }
}
