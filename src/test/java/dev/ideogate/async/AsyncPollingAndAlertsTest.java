package dev.ideogate.async;

import static dev.ideogate.async.AsyncCluster.v4;
import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.ideogate.sim.SimAsyncKnobs;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Polling is per team, budget alerts fire once per threshold across replicas, prod refuses internal URLs. */
class AsyncPollingAndAlertsTest {
  private final Vertx receiverVertx = Vertx.vertx();
  private WebhookReceiver receiver;
  private RedisServer redis;
  private AsyncCluster cluster;

  @BeforeEach
  void startReceiver() {
    receiver = await(new WebhookReceiver(AsyncCluster.SECRETS).start(receiverVertx));
  }

  @AfterEach
  void stop() throws Exception {
    receiver.close();
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
    receiverVertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void anotherTeamPollingAGenerationGetsNotFoundAndAlertsFireOnceAcrossThreeReplicas() throws Exception {
    redis = RedisServer.start();
    cluster = new AsyncCluster(redis.url(), 3, AsyncDeliveryTest.FAST, "dev", receiver.url("gamma"), 0.01);

    HttpResponse<Buffer> accepted = await(cluster.submit(0, "alpha", v4("a fox", 1, "TURBO"), null));
    String id = accepted.bodyAsJsonObject().getString("generation_id");
    HttpResponse<Buffer> stranger = await(cluster.poll(1, "beta", id));
    HttpResponse<Buffer> unknown = await(cluster.poll(1, "beta", "gen_does_not_exist"));
    assertEquals(404, stranger.statusCode());
    assertEquals(unknown.bodyAsJsonObject().getString("error"), stranger.bodyAsJsonObject().getString("error"),
        "another team's id reads exactly like an id that does not exist");
    until("the owner's poll shows it completed", Duration.ofMillis(10_000),
        () -> "completed".equals(await(cluster.poll(2, "alpha", id)).bodyAsJsonObject().getString("status")));
    assertEquals(30_000, cluster.usage(1, "alpha").spentDayMicroUsd());

    // gamma: 0.30 USD a day, 10 generations of 0.03 USD over three replicas reach 80 % and then 100 %
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add(cluster.submit(i % 3, "gamma", v4("a poster " + i, 1, "TURBO"), null));
    }
    sent.forEach(response -> assertEquals(200, await(response).statusCode()));
    until("both alerts are delivered", Duration.ofMillis(10_000), () -> receiver.ofKind("budget.alert").size() >= 2);
    Thread.sleep(1_000); // five more scans on each replica: nothing fires again
    List<Integer> thresholds = receiver.ofKind("budget.alert").stream()
        .map(r -> r.body().getInteger("threshold_percent")).sorted().toList();
    assertEquals(List.of(80, 100), thresholds);
    assertEquals(2, cluster.replicas.stream().mapToLong(g -> g.async().alerts().fired.get()).sum());
    String scrapes = String.join("\n", cluster.replicas.stream().map(g -> g.metrics().scrape()).toList());
    assertEquals(1, scrapes.lines().filter(l -> l.startsWith("ideogate_budget_alerts_total{")
        && l.contains("threshold=\"80\"") && l.endsWith(" 1.0")).count(), "one 80 % alert in the metrics");
    assertEquals(1, scrapes.lines().filter(l -> l.startsWith("ideogate_budget_alerts_total{")
        && l.contains("threshold=\"100\"") && l.endsWith(" 1.0")).count(), "one 100 % alert in the metrics");
    assertEquals(List.of(), receiver.duplicates());
    assertEquals(0, receiver.badSignatures.get());
    assertEquals(402, await(cluster.submit(0, "gamma", v4("one more", 1, "TURBO"), null)).statusCode());
  }

  @Test
  void prodRefusesLoopbackAndPrivateWebhookUrlsWithoutSendingAnything() {
    cluster = new AsyncCluster(null, 1, AsyncDeliveryTest.FAST, "prod", "", 0.01);
    for (String url : List.of(receiver.url("alpha"), "https://10.1.2.3/hook", "https://localhost/hook",
        "https://[::1]/hook", "http://hooks.example.com/hook")) {
      HttpResponse<Buffer> refused = await(cluster.submit(0, "alpha", v4("a fox", 1, "TURBO"), url));
      assertEquals(400, refused.statusCode(), url);
      assertEquals("invalid_request", refused.bodyAsJsonObject().getString("code"), url);
    }
    assertEquals(0, cluster.simulator.allStats().values().stream().mapToLong(s -> s.requests()).sum(),
        "nothing reached Ideogram");
    assertEquals(0, receiver.arrivals.size(), "nothing reached the URL");
  }

  @Test
  void withoutRedisOneReplicaSettlesAndDeliversEveryGenerationOnce() {
    cluster = new AsyncCluster(null, 1, AsyncDeliveryTest.FAST, "dev", "", 0.01);
    cluster.simulator.configureAsync(new SimAsyncKnobs(0.2, 0.1, 0, 0, null));
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      sent.add(cluster.submit(0, "alpha", v4("a fox " + i, 2, "DEFAULT"), receiver.url("alpha")));
    }
    sent.forEach(response -> assertEquals(200, await(response).statusCode()));
    until("all 30 delivered", Duration.ofMillis(15_000), () -> receiver.distinct() == 30);
    assertEquals(List.of(), receiver.duplicates());
    until("no hold left", Duration.ofMillis(5_000), () -> cluster.usage(0, "alpha").heldMicroUsd() == 0);
    assertEquals(30 * 2 * 60_000, cluster.usage(0, "alpha").spentDayMicroUsd());
  }

  @Test
  void aDeliveryThatKeepsFailingIsDeadLetteredAndShownToAdminsOnly() {
    AsyncSettings twoAttempts = AsyncDeliveryTest.FAST.withDelivery(2, 50, 100, 2_000, 20, 3_000);
    cluster = new AsyncCluster(null, 1, twoAttempts, "dev", "", 0.01);
    receiver.down(true);
    assertEquals(200, await(cluster.submit(0, "alpha", v4("a fox", 1, "TURBO"), receiver.url("alpha"))).statusCode());
    int management = cluster.replicas.get(0).managementPort();
    until("the delivery is dead-lettered", Duration.ofMillis(10_000), () -> await(cluster.client.get(management, "127.0.0.1",
            "/admin/webhooks").putHeader("Api-Key", cluster.key("admin")).send())
        .bodyAsJsonObject().getJsonObject("queue").getLong("dead_letters") == 1);
    var view = await(cluster.client.get(management, "127.0.0.1", "/admin/webhooks")
        .putHeader("Api-Key", cluster.key("admin")).send()).bodyAsJsonObject();
    var dead = view.getJsonArray("dead_letters").getJsonObject(0);
    assertEquals("alpha", dead.getString("team"));
    assertEquals(2, dead.getInteger("attempts"));
    assertEquals("receiver answered 503", dead.getString("reason"));
    assertEquals(2, receiver.refusedWhileDown.get());
    assertEquals(401, await(cluster.client.get(management, "127.0.0.1", "/admin/webhooks").send()).statusCode());
    assertEquals(403, await(cluster.client.get(management, "127.0.0.1", "/admin/webhooks")
        .putHeader("Api-Key", cluster.key("alpha")).send()).statusCode());
  }
}
