package dev.ideogate;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.RedisCluster;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a replica killed with -9 under the default settings ({@code redis.holdLease} 30 s, {@code
 * upstream.permitLease} 30 s) leaves nothing blocked for long (ARCHITECTURE.md §7, §8). The victim is a separate JVM
 * ({@code ideogate serve}) holding the lane's ten permits and four more holds of queued requests; after SIGKILL, within
 * 60 s, the survivor has all ten permits again (ten calls in flight at once at the simulator) and the victim's holds
 * are charged in full (spent, none held, counted as expired).
 *
 * <p>The survivor gets one request every 2 s while it waits, as a live deployment would: the dead replica's expired
 * leases are reclaimed when a lane looks full or by a live permit's heartbeat; its holds are charged by the survivor's
 * reaper (every third of the hold lease, ARCHITECTURE.md §7), with or without traffic.
 */
class ReplicaCrashTest {
  private static final String TEAM = "crash";
  private static final long V2_MICRO_USD = 80_000;
  private static final int PERMITS = 10;
  private static final int VICTIM_REQUESTS = PERMITS + 4; // ten calls in flight, four queued: all fourteen hold budget
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @Test
  void aReplicaKilledWithSigkillGivesItsPermitsBackAndHasItsHoldsChargedWithinAMinute() throws Exception {
    try (RedisServer redis = RedisServer.startOwned()) {
      killTheVictimAndWatchTheSurvivor(redis.url(), "standalone");
    }
  }

  @Test
  void theSameOnAThreeMasterRedisCluster() throws Exception {
    try (RedisCluster cluster = RedisCluster.start()) {
      killTheVictimAndWatchTheSurvivor(cluster.url(), "cluster");
    }
  }

  private static void killTheVictimAndWatchTheSurvivor(String redisUrl, String mode) throws Exception {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      String lane = KeyFingerprint.of(TestConfig.upstreamKey(TEAM));
      String key = TestConfig.clientKey(TEAM);
      TestConfig config = TestConfig.upstream(harness.simulator.baseUrl()).redis(redisUrl, "mode: " + mode).team(TEAM);
      // The victim's calls outlive the kill at the simulator but end before the leases do, so that later the
      // simulator's in-flight count is the survivor's alone.
      harness.simulator.configure(lane, SimulatorKnobs.NONE.withMaxInFlight(1_000).withLatencyMs(15_000L));
      int victimPort = freePort();
      Process victim = startReplicaProcess(config, mode, victimPort);
      try {
        awaitServing(harness, victim, victimPort);
        Gateway survivor = harness.start(config.build());
        for (int i = 0; i < VICTIM_REQUESTS; i++) {
          harness.http.postJson(victimPort, "/generate", key, Http.generate("victim " + i, "V_2", 1));
        }
        Await.until("the victim holds ten permits and fourteen holds", () ->
            harness.statsFor(TEAM).inFlight() == PERMITS && usage(survivor).heldMicroUsd() == VICTIM_REQUESTS * V2_MICRO_USD);

        victim.destroyForcibly(); // SIGKILL: no drain, no release, no settle
        assertTrue(victim.waitFor(10, TimeUnit.SECONDS), "the victim died");
        long killedAt = System.nanoTime();
        harness.simulator.configure(lane, SimulatorKnobs.NONE.withMaxInFlight(1_000).withLatencyMs(1_500L));

        List<Future<Reply>> survivorReplies = new ArrayList<>();
        long nextLight = System.nanoTime();
        while (usage(survivor).holdsExpired() < VICTIM_REQUESTS) {
          assertTrue(System.nanoTime() - killedAt < WITHIN.toNanos(), "the victim's holds were charged within 60 s: "
              + usage(survivor));
          if (System.nanoTime() - nextLight >= 0) { // light traffic: one request every 2 s
            survivorReplies.add(harness.http.postJson(survivor.port(), "/generate", key, Http.generate("light", "V_2", 1)));
            nextLight += TimeUnit.SECONDS.toNanos(2);
          }
          Thread.sleep(100);
        }
        // All ten permits are free again: ten calls of 1.5 s are in flight at once at the simulator.
        List<Future<Reply>> ten = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
          ten.add(harness.http.postJson(survivor.port(), "/generate", key, Http.generate("after " + i, "V_2", 1)));
        }
        Await.until("ten calls in flight at once", Duration.ofNanos(WITHIN.toNanos() - (System.nanoTime() - killedAt)),
            () -> harness.statsFor(TEAM).inFlight() == PERMITS);
        System.out.printf("kill -9 (%s): holds charged and ten permits back %d ms after the kill%n", mode,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
        ten.forEach(f -> assertEquals(200, await(f).status(), "a call after the permits came back"));
        survivorReplies.addAll(ten);

        long served = survivorReplies.stream().map(f -> await(f)).filter(r -> r.status() == 200).count();
        TeamUsage usage = usage(survivor);
        assertEquals(VICTIM_REQUESTS, usage.holdsExpired(), "every hold of the victim expired and was counted");
        assertEquals(VICTIM_REQUESTS * V2_MICRO_USD + served * V2_MICRO_USD, usage.spentDayMicroUsd(),
            "the victim's holds charged in full, plus what the survivor served");
        assertEquals(0, usage.heldMicroUsd(), "nothing stays held");
      } finally {
        victim.destroyForcibly();
      }
    }
  }

  private static TeamUsage usage(Gateway gateway) {
    return await(gateway.ledger().usage(new TeamBudget(TEAM, 100_000_000, OptionalLong.empty()),
        BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
  }

  /** {@code ideogate serve} in a JVM of its own on the test classpath, on free ports; its output goes to a file. */
  private static Process startReplicaProcess(TestConfig config, String mode, int port) throws IOException {
    String yaml = config.yaml().replace("  port: 0\n  managementPort: 0\n",
        "  port: " + port + "\n  managementPort: " + freePort() + "\n");
    Path dir = Files.createDirectories(Path.of("target", "replica-crash"));
    Path file = dir.resolve("victim-" + mode + ".yaml");
    Files.writeString(file, yaml);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The production logging config, as a deployed replica runs it: its whole JSON output goes to its own log file
    // (the suite's config, first on this classpath, would show only WARN and above there).
    String logging = Path.of("target", "classes", "logback.xml").toAbsolutePath().toString();
    return new ProcessBuilder(java, "-Dlogback.configurationFile=" + logging,
        "-cp", System.getProperty("java.class.path"), "dev.ideogate.cli.Main", "serve", "--config", file.toString())
        .redirectErrorStream(true)
        .redirectOutput(new File(dir.toFile(), "victim-" + mode + ".log"))
        .start();
  }

  /** Returns once the victim answers on its client port. */
  private static void awaitServing(GatewayHarness harness, Process victim, int port) {
    Await.until("the victim process serves on port " + port, () -> {
      assertTrue(victim.isAlive(), "the victim process exited; see target/replica-crash/");
      try {
        return await(harness.http.get(port, "/v1/usage", TestConfig.clientKey(TEAM))).status() == 200;
      } catch (Exception notYet) { // connection refused until it listens (rethrown as is by Future.await)
        return false;
      }
    });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
