package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.RedisLink;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Permits survive what replicas and clients do to them: a replica that dies, clients that hang up. */
class ClusterLaneFailoverTest {
  private static RedisServer redis;
  private static Vertx vertx;
  private static IdeogramSimulator simulator;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    simulator = Replicas.await(IdeogramSimulator.start(vertx, SimulatorOptions.defaults()));
  }

  @AfterAll
  static void stop() {
    Replicas.await(vertx.close());
    redis.close();
  }

  @Test
  void replicasTakeOverTheSlotsOfOneThatDiedWithinTheLease() throws InterruptedException {
    RedisLink link = RedisLink.to(vertx, redis.url());
    try (Replicas replicas = Replicas.start(3, redis.url(), i -> i == 0 ? link.url() : redis.url(), simulator,
        "2s", "500ms")) {
      replicas.configureUpstream(SimulatorKnobs.NONE.withLatencyMs(1_500L));
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(replicas.generate(0, "doomed " + i));
      }
      awaitTrue(() -> replicas.upstreamStats().inFlight() == 10, 5_000, "replica 0 holds all 10 slots");
      for (int i = 0; i < 10; i++) {
        calls.add(replicas.generate(1, "waiting " + i));
        calls.add(replicas.generate(2, "waiting " + i));
      }
      Thread.sleep(200);
      assertEquals(10, replicas.permitsTaken());

      long crashedAt = System.currentTimeMillis();
      link.cut(); // as a crash: it never says goodbye to Redis
      replicas.crash(0);
      awaitTrue(() -> replicas.upstreamStats().inFlight() == 10 && replicas.permitsTaken() == 10
          && replicas.upstreamStats().requests() == 20, 4_000, "the survivors hold all 10 slots");
      long takeoverMs = System.currentTimeMillis() - crashedAt;
      System.out.println("survivors took all 10 slots " + takeoverMs + " ms after the crash (lease 2000 ms)");

      assertTrue(takeoverMs <= 2_300, "took over within the lease, got " + takeoverMs + " ms");
      assertEquals(10, replicas.upstreamStats().maxConcurrency(), "never more than 10 in flight");
      Replicas.await(Future.join(calls.subList(10, 30)));
      ClusterLaneSkewTest.awaitPermitsReleased(replicas);
      assertEquals(0, replicas.upstreamStats().rejected429());
    } finally {
      Replicas.await(link.close());
    }
  }

  @Test
  void clientsHangingUpAtRandomPointsLeaveNoPermitTaken() throws InterruptedException {
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
      Replicas.await(Future.join(hangUps));
      awaitTrue(() -> !replicas.permitsKeyExists(), 10_000, "every permit released");
      awaitTrue(() -> replicas.upstreamStats().inFlight() == 0, 5_000, "nothing left in flight upstream");

      System.out.println("hang-ups: upstream saw " + replicas.upstreamStats().requests() + " of 200 requests");
      assertEquals(0, replicas.permitsTaken());
      assertEquals(10, replicas.upstreamStats().maxConcurrency());
      for (int i = 0; i < 3; i++) {
        assertTrue(replicas.gateway(i).dispatcher().lanes().stream().allMatch(l -> l.inFlight() == 0 && l.queued() == 0),
            "replica " + i + " has nothing queued or in flight");
      }
      Replicas.await(client.close());
    }
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

  static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within " + timeoutMs + " ms: " + what);
      }
      Thread.sleep(10);
    }
  }
}
