package dev.ideogate.async;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real webhook receiver on loopback, written the way docs/webhooks.md tells receivers to be: it verifies
 * {@code Ideogate-Signature} with the team's secret (constant time, 5 min replay window) and commits a delivery
 * when it answers 2xx. Modes: up, down (503 to everything), slow (answers after a delay, and commits only if the
 * sender is still connected by then, as a receiver whose transaction ends with the response would).
 */
final class WebhookReceiver {
  /** One committed delivery. */
  record Received(String deliveryId, String team, String kind, JsonObject body, long receivedAtMs) {}

  private final Map<String, String> secretsByTeam;
  private final Map<String, List<Received>> committed = new ConcurrentHashMap<>();
  final List<String> arrivals = new CopyOnWriteArrayList<>();
  final AtomicInteger badSignatures = new AtomicInteger();
  final AtomicInteger refusedWhileDown = new AtomicInteger();
  /** Requests whose sender was gone before the receiver answered (not committed). */
  final AtomicInteger abandoned = new AtomicInteger();
  private volatile boolean down;
  private volatile long slowMs;
  private HttpServer server;

  WebhookReceiver(Map<String, String> secretsByTeam) {
    this.secretsByTeam = secretsByTeam;
  }

  Future<WebhookReceiver> start(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(buffer -> {
      String deliveryId = request.getHeader("Ideogate-Delivery-Id");
      arrivals.add(String.valueOf(deliveryId));
      if (down) {
        refusedWhileDown.incrementAndGet();
        request.response().setStatusCode(503).end();
        return;
      }
      String team = request.getParam("team");
      String secret = secretsByTeam.get(team);
      byte[] body = buffer.getBytes();
      if (!WebhookSignature.verify(secret, request.getHeader("Ideogate-Signature"), deliveryId, body,
          System.currentTimeMillis() / 1000, 300)) {
        badSignatures.incrementAndGet();
        request.response().setStatusCode(401).end();
        return;
      }
      Runnable commit = () -> {
        if (request.response().closed()) {
          abandoned.incrementAndGet();
          return; // the sender is gone: this request's transaction is rolled back
        }
        committed.computeIfAbsent(deliveryId, id -> new CopyOnWriteArrayList<>()).add(new Received(deliveryId, team,
            request.getHeader("Ideogate-Event"), new JsonObject(new String(body, StandardCharsets.UTF_8)),
            System.currentTimeMillis()));
        request.response().setStatusCode(200).end();
      };
      if (slowMs > 0) {
        vertx.setTimer(slowMs, id -> commit.run());
      } else {
        commit.run();
      }
    }));
    return server.listen(0, "127.0.0.1").map(this);
  }

  /** A URL of this receiver for {@code team} (the team picks the secret it verifies with). */
  String url(String team) {
    return "http://127.0.0.1:" + server.actualPort() + "/hook?team=" + team;
  }

  void down(boolean isDown) {
    down = isDown;
  }

  void slow(long ms) {
    slowMs = ms;
  }

  /** Delivery ids committed more than once. */
  List<String> duplicates() {
    List<String> twice = new ArrayList<>();
    committed.forEach((id, list) -> {
      if (list.size() > 1) {
        twice.add(id);
      }
    });
    return twice;
  }

  int distinct() {
    return committed.size();
  }

  List<Received> all() {
    List<Received> all = new ArrayList<>();
    committed.values().forEach(all::addAll);
    return all;
  }

  List<Received> ofKind(String kind) {
    return all().stream().filter(r -> kind.equals(r.kind())).toList();
  }

  void close() {
    try {
      server.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing a test server: nothing to do
    }
  }
}
