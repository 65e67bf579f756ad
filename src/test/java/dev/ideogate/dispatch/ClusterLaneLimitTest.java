package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ideogram turns stricter than configured: the lane's shared AIMD limit brings every replica under it. */
class ClusterLaneLimitTest {
  private static final long LATENCY_MS = 100;
  private static final java.util.concurrent.atomic.AtomicReference<String> FIRST_FAILURE =
      new java.util.concurrent.atomic.AtomicReference<>();
  private static final long BEFORE_MS = 1_000;
  private static final long AFTER_MS = 6_000;
  private static final long QUIET_FROM_MS = 3_000;

  private static RedisServer redis;
  private static Vertx vertx;
  private static IdeogramSimulator simulator;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    simulator = Await.await(IdeogramSimulator.start(vertx, SimulatorOptions.defaults()));
  }

  @AfterAll
  static void stop() {
    Await.await(vertx.close());
    redis.close();
  }

  /** One reading, taken every 20 ms: time since the limit dropped, upstream 429s so far, in flight. */
  record Sample(long sinceDropMs, long rejected429, int upstreamInFlight, int permitsTaken) {}

  @Test
  void allReplicasSettleUnderAStricterUpstreamLimitAndThe429sStop() throws InterruptedException {
    try (Replicas replicas = Replicas.start(3, redis.url(), simulator, "30s", "10s")) {
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(LATENCY_MS));
      ClusterLaneSkewTest.warmUp(replicas);
      long startMs = System.currentTimeMillis();
      long dropAtMs = startMs + BEFORE_MS;
      long endMs = dropAtMs + AFTER_MS;
      CountDownLatch done = new CountDownLatch(60);
      AtomicLong non200 = new AtomicLong();
      for (int client = 0; client < 60; client++) {
        loop(replicas, client % 3, endMs, done, non200);
      }
      Thread.sleep(BEFORE_MS);
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(LATENCY_MS).withMaxInFlight(6));
      List<Sample> samples = new ArrayList<>();
      while (System.currentTimeMillis() < endMs) {
        samples.add(new Sample(System.currentTimeMillis() - dropAtMs, replicas.upstreamStats().rejected429(),
            replicas.upstreamStats().inFlight(), replicas.permitsTaken()));
        Thread.sleep(20);
      }
      assertTrue(done.await(10, TimeUnit.SECONDS));

      long total429 = samples.get(samples.size() - 1).rejected429();
      long last429AtMs = samples.stream().filter(s -> s.rejected429() == total429).findFirst().orElseThrow()
          .sinceDropMs();
      int maxInFlightWhenQuiet = samples.stream().filter(s -> s.sinceDropMs() >= QUIET_FROM_MS)
          .mapToInt(s -> Math.max(s.upstreamInFlight(), s.permitsTaken())).max().orElseThrow();
      List<Integer> limits = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Await.await(replicas.gateway(i).dispatcher().clusterLanes()).forEach(l -> limits.add(l.limit()));
      }
      System.out.println("stricter limit: " + total429 + " upstream 429s, the last " + last429AtMs
          + " ms after the drop; max in flight from " + QUIET_FROM_MS + " ms on: " + maxInFlightWhenQuiet
          + "; shared limit seen by each replica: " + limits);

      assertTrue(last429AtMs < QUIET_FROM_MS, "429s stop within " + QUIET_FROM_MS + " ms (≤ 10 s)");
      assertTrue(maxInFlightWhenQuiet <= 6, "every replica together ≤ 6 in flight, got " + maxInFlightWhenQuiet);
      assertEquals(List.of(6, 6, 6), limits, "the limit settles just under the one that drew a 429");
      assertEquals(0, non200.get(), "429s were retried, never passed to clients; first failure: " + FIRST_FAILURE.get());
      ClusterLaneSkewTest.awaitPermitsReleased(replicas);
    }
  }

  private static void loop(Replicas replicas, int replica, long endMs, CountDownLatch done, AtomicLong non200) {
    if (System.currentTimeMillis() >= endMs) {
      done.countDown();
      return;
    }
    replicas.generate(replica, "stricter").onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        if (non200.incrementAndGet() == 1) {
          FIRST_FAILURE.set(ar.failed() ? ar.cause().toString()
              : ar.result().statusCode() + " " + ar.result().bodyAsString());
        }
      }
      loop(replicas, replica, endMs, done, non200);
    });
  }
}
