package dev.ideogate.dispatch;

import static dev.ideogate.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.RecordedRequest;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisLink;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Permits survive what replicas and clients do to them (a replica that dies, clients that hang up), and a slot one
 * replica frees reaches another's waiter.
 */
class ClusterLaneFailoverTest {
  private static final long STAGGER_MS = 400; // the waiter has 400 ms to take the freed slot, on a busy full-suite JVM too
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

  @Test
  void replicasTakeOverTheSlotsOfOneThatDiedAndServeEveryWaitingCall() {
    RedisLink link = RedisLink.to(vertx, redis.url());
    try (Replicas replicas = Replicas.start(3, redis.url(), i -> i == 0 ? link.url() : redis.url(), simulator,
        "2s", "500ms")) {
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(1_500L));
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(replicas.generate(0, "doomed " + i));
      }
      until("replica 0 holds all 10 slots", Duration.ofSeconds(10), () -> replicas.upstreamStats().inFlight() == 10);
      for (int i = 0; i < 10; i++) {
        calls.add(replicas.generate(1, "waiting " + i));
        calls.add(replicas.generate(2, "waiting " + i));
      }
      until("replicas 1 and 2 queue their 10 calls each", Duration.ofSeconds(10),
          () -> queued(replicas, 1) == 10 && queued(replicas, 2) == 10);
      assertEquals(10, replicas.permitsTaken(), "the waiting calls took no permit while replica 0 holds all 10");

      link.cut(); // as a crash: it never says goodbye to Redis
      replicas.crash(0);
      // The dead replica's leases expire (2 s) and the survivors take every slot; how fast is the benchmark's
      // business, that it happens at all is this test's.
      until("the survivors hold all 10 slots", Duration.ofSeconds(30), () -> replicas.upstreamStats().inFlight() == 10
          && replicas.permitsTaken() == 10 && replicas.upstreamStats().requests() == 20);
      assertEquals(10, replicas.upstreamStats().maxConcurrency(), "never more than 10 in flight");
      for (Future<?> waiting : calls.subList(10, 30)) {
        assertEquals(200, ((HttpResponse<?>) Await.await(waiting)).statusCode(), "every waiting call is served");
      }
      Await.await(Future.join(calls.subList(10, 30)));
      ClusterLaneSkewTest.awaitPermitsReleased(replicas);
      assertEquals(0, replicas.upstreamStats().rejected429());
    } finally {
      Await.await(link.close());
    }
  }

  @Test
  void clientsHangingUpAtRandomPointsLeaveNoPermitTaken() {
    try (Replicas replicas = Replicas.start(3, redis.url(), simulator, "30s", "10s")) {
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(150L));
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      Random random = new Random(42);
      List<Future<?>> hangUps = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int replica = i % 3;
        long hangUpAfterMs = 1 + random.nextInt(1_500);
        hangUps.add(sendAndHangUp(client, replicas.gateway(replica).port(), hangUpAfterMs));
      }
      Await.await(Future.join(hangUps));
      until("every permit released", Duration.ofMillis(10_000), () -> !replicas.permitsKeyExists());
      until("nothing left in flight upstream", Duration.ofMillis(5_000), () -> replicas.upstreamStats().inFlight() == 0);

      assertEquals(0, replicas.permitsTaken());
      assertEquals(10, replicas.upstreamStats().maxConcurrency());
      for (int i = 0; i < 3; i++) {
        assertTrue(replicas.gateway(i).dispatcher().lanes().stream().allMatch(l -> l.inFlight() == 0 && l.queued() == 0),
            "replica " + i + " has nothing queued or in flight");
      }
      Await.await(client.close());
    }
  }

  /**
   * A waiter on one replica gets the slot another replica frees at once (ARCHITECTURE.md §8): the lane counts as
   * contended on A (B's refused acquire announced a waiter, or A started listening on the lane within the window),
   * so A's release publishes, though a release is one ZREM while nobody waits. Which of the two it is, is
   * PermitScriptsTest's business; here, the user-visible outcome. Replica A's ten calls end {@link #STAGGER_MS}
   * apart; the waiter's own poll (1 s) would usually see several end first.
   */
  @Test
  void aWaiterOnReplicaBTakesTheSlotReplicaAFreesBeforeAnyOtherEnds() throws InterruptedException {
    try (Replicas replicas = Replicas.start(2, redis.url(), simulator, "30s", "10s")) {
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(10L));
      List<Future<?>> warmUp = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        warmUp.add(replicas.generate(i % 2, "warm-up"));
      }
      Await.await(Future.join(warmUp));
      long before = replicas.upstreamStats().requests();
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      // A fills the lane with calls that end in the order they started, STAGGER_MS apart; the first to end is not
      // the one that filled the lane, so its release publishes only because the lane counts as contended.
      for (int i = 0; i < 10; i++) {
        replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(1_500 + i * STAGGER_MS));
        calls.add(replicas.generate(0, "holds a slot " + i));
        long started = before + i + 1;
        until("A's call " + i + " reached Ideogram", Duration.ofSeconds(10),
            () -> replicas.upstreamStats().requests() == started);
      }
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(3_000L));
      calls.add(replicas.generate(1, "waits on B"));
      until("B queued its call", Duration.ofSeconds(10), () -> replicas.gateway(1).dispatcher().queued(
          replicas.lane(), "shared") == 1);

      for (Future<HttpResponse<Buffer>> call : calls) {
        assertEquals(200, Await.await(call).statusCode());
      }
      // Ideogram's own clock decides, not a sample of its counters taken some time after B's call arrived.
      List<RecordedRequest> log = new ArrayList<>(simulator.recentRequests(replicas.lane()));
      log.sort(java.util.Comparator.comparingLong(RecordedRequest::arrivedAtMs));
      RecordedRequest bCall = log.get(log.size() - 1);
      List<Long> aEnds = log.subList(log.size() - 11, log.size() - 1).stream().map(RecordedRequest::finishedAtMs)
          .sorted().toList();
      long endedBeforeB = aEnds.stream().filter(end -> end <= bCall.arrivedAtMs()).count();
      System.out.println("B's call reached Ideogram " + (bCall.arrivedAtMs() - aEnds.get(0))
          + " ms after A's first call ended; " + endedBeforeB + " of A's calls had ended");
      assertEquals(1, endedBeforeB, "B's call took the first freed slot before A's next call ended");
      for (Future<HttpResponse<Buffer>> call : calls) {
        assertEquals(200, Await.await(call).statusCode());
      }
      assertEquals(10, replicas.upstreamStats().maxConcurrency(), "never more than 10 in flight");
      ClusterLaneSkewTest.awaitPermitsReleased(replicas);
    }
  }

  private static int queued(Replicas replicas, int replica) {
    return replicas.gateway(replica).dispatcher().lanes().stream().mapToInt(lane -> lane.queued()).sum();
  }

  /** Sends a generate request and resets the connection after {@code afterMs}, answered or not. */
  private static Future<Void> sendAndHangUp(HttpClient client, int port, long afterMs) {
    String body = new JsonObject().put("image_request", new JsonObject().put("prompt", "hang up")
        .put("model", "V_2_TURBO").put("style_type", "DESIGN")).encode();
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/generate").putHeader("Api-Key", Replicas.CLIENT_KEY).putHeader("Content-Type",
                "application/json"))
        .compose(request -> {
          request.send(body).onFailure(err -> { });
          return Future.<Void>future(p -> vertx.setTimer(afterMs, t -> {
            request.reset();
            p.complete();
          }));
        });
  }

}
