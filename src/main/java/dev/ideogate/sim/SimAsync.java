package dev.ideogate.sim;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Async state shared by the simulator's routes: generations, signing keys, knobs, and the sender of the
 * Ed25519-signed webhooks (headers {@code X-Ideogram-Webhook-{Generation-Id,User-Id,Timestamp,Key-Id,Signature}}).
 * Webhooks are fire-and-forget, as far as the simulator goes: a receiver that fails gets no retry.
 */
final class SimAsync {
  final SimWebhookKeys keys = new SimWebhookKeys();
  final SimGenerations generations = new SimGenerations();
  private volatile SimAsyncKnobs knobs = SimAsyncKnobs.NONE;
  private WebClient client;

  SimAsyncKnobs knobs() {
    return knobs;
  }

  void configure(SimAsyncKnobs newKnobs) {
    knobs = newKnobs == null ? SimAsyncKnobs.NONE : newKnobs;
  }

  private synchronized WebClient client(Vertx vertx) {
    if (client == null) {
      client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2_000).setIdleTimeout(10)
          .setFollowRedirects(false));
    }
    return client;
  }

  /** Sends the generation's webhook to {@code url} per the knobs: maybe dropped, delayed, sent twice. */
  void sendWebhook(Vertx vertx, String url, SimGenerations.Generation generation) {
    SimAsyncKnobs current = knobs;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextDouble() < current.webhookDropRate()) {
      generations.webhooksDropped.incrementAndGet();
      return;
    }
    boolean twice = random.nextDouble() < current.webhookDuplicateRate();
    Runnable send = () -> post(vertx, url, generation);
    if (current.webhookDelayMs() > 0) {
      vertx.setTimer(current.webhookDelayMs(), id -> send.run());
    } else {
      send.run();
    }
    if (twice) {
      generations.webhooksDuplicated.incrementAndGet();
      vertx.setTimer(current.webhookDelayMs() + 1 + random.nextInt(20), id -> send.run());
    }
  }

  private void post(Vertx vertx, String url, SimGenerations.Generation generation) {
    Buffer body = generation.body().toBuffer();
    String userId = "user-" + generation.owner();
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    String signature = keys.sign(SimWebhookKeys.message(generation.id(), userId, timestamp, body.getBytes()));
    generations.webhooksSent.incrementAndGet();
    client(vertx).postAbs(url)
        .timeout(10_000)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Ideogram-Webhook-Generation-Id", generation.id())
        .putHeader("X-Ideogram-Webhook-User-Id", userId)
        .putHeader("X-Ideogram-Webhook-Timestamp", timestamp)
        .putHeader("X-Ideogram-Webhook-Key-Id", keys.currentKeyId())
        .putHeader("X-Ideogram-Webhook-Signature", signature)
        .sendBuffer(body)
        .onFailure(e -> generations.webhooksFailed.incrementAndGet());
  }

  static JsonObject notFound() {
    return new JsonObject().put("error", "Generation not found");
  }
}
