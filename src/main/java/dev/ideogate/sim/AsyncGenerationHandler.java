package dev.ideogate.sim;

import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An async V4 route (ideogram-api.md §4.3): key, in-flight limit, fields, safety and credits decided at once as on
 * the sync route, then {@code {generation_id}}; after the model's latency the generation completes (or fails, by
 * the knob: credits refunded) and, when the request carried {@code webhook_url}, its signed webhook is sent.
 */
final class AsyncGenerationHandler implements Handler<RoutingContext> {
  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final Endpoint endpoint;
  private final SimAccounts accounts;
  private final SimulatorOptions options;
  private final SignedImageUrls urls;
  private final SimAsync async;

  AsyncGenerationHandler(Vertx vertx, Endpoint endpoint, SimAccounts accounts, SimulatorOptions options,
      SignedImageUrls urls, SimAsync async) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.accounts = accounts;
    this.options = options;
    this.urls = urls;
    this.async = async;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    SimAccount account = accounts.authenticate(request.getHeader("Api-Key"));
    if (account == null) {
      ImageCallHandler.sendJson(request.response(), 401,
          new JsonObject().put("error", "Unauthorized: missing or invalid Api-Key"), null);
      return;
    }
    SimulatorKnobs knobs = account.knobs(accounts.globalKnobs());
    SimAccount.Call call = account.arrive(endpoint.path(), System.currentTimeMillis(), accounts.globalKnobs());
    if (!call.admitted()) {
      account.finish(call, 429, 0, System.currentTimeMillis());
      ImageCallHandler.sendJson(request.response(), 429, ImageCallHandler.inFlightLimitBody(call.limit),
          knobs.retryAfterS());
      return;
    }
    String webhookUrl = request.getParam("webhook_url");
    String host = request.getHeader("Host");
    String baseUrl = "http://" + (host != null ? host : options.host() + ":" + request.localAddress().port());
    RequestBodyReader.read(request, endpoint).onComplete(read -> {
      try {
        if (read.failed()) {
          throw read.cause() instanceof SimRejection known ? known
              : SimRejection.of(400, "unreadable body: " + read.cause().getMessage());
        }
        SimRequest image = check(read.result());
        long price = SimPricing.priceMicroUsd(image);
        if (!account.charge(price)) {
          throw new SimRejection(402, new JsonObject().put("error", "Insufficient credits")
              .put("reject_reason", "insufficient_funds"));
        }
        if (ThreadLocalRandom.current().nextDouble() < knobs.errorRate5xx()) {
          account.refund(price);
          throw new SimRejection(500, new JsonObject().put("error", "Internal Server Error"));
        }
        String id = "gen_" + UUID.randomUUID().toString().replace("-", "");
        String created = CREATED.format(Instant.now());
        async.generations.put(new SimGenerations.Generation(id, account.fingerprint(), created, "pending", null));
        if (ThreadLocalRandom.current().nextDouble() < knobs.dropConnectionRate()) {
          // the work is accepted and billed, the answer lost: as on the sync routes
          account.finish(call, 0, 0, System.currentTimeMillis());
          request.connection().close();
          complete(id, created, account, image, price, baseUrl, webhookUrl);
          return;
        }
        account.finish(call, 200, 0, System.currentTimeMillis());
        ImageCallHandler.sendJson(request.response(), 200, new JsonObject().put("generation_id", id), null);
        complete(id, created, account, image, price, baseUrl, webhookUrl);
      } catch (SimRejection rejection) {
        account.finish(call, rejection.status, 0, System.currentTimeMillis());
        ImageCallHandler.sendJson(request.response(), rejection.status, rejection.body, null);
      } catch (RuntimeException bug) {
        // a simulator bug answers 500, as on the sync routes, never a hang
        account.finish(call, 500, 0, System.currentTimeMillis());
        ImageCallHandler.sendJson(request.response(), 500,
            new JsonObject().put("error", "simulator error: " + bug), null);
      }
    });
  }

  private SimRequest check(RequestBodyReader.Body body) {
    SimRequest image = IdeogramContract.check(endpoint, body.fields(), body.files());
    String prompt = image.prompt().toLowerCase(Locale.ROOT);
    if (options.flaggedWords().stream().anyMatch(word -> prompt.contains(word.toLowerCase(Locale.ROOT)))) {
      throw SimRejection.of(422, ImageCallHandler.SAFETY_ERROR);
    }
    return image;
  }

  private void complete(String id, String created, SimAccount account, SimRequest image, long price,
      String baseUrl, String webhookUrl) {
    SimAsyncKnobs knobs = async.knobs();
    long delayMs = knobs.latencyMs() != null ? knobs.latencyMs()
        : SimLatency.delayMs(image, options.timeScale(), SimulatorKnobs.NONE);
    vertx.setTimer(Math.max(1, delayMs), timer -> {
      boolean failed = ThreadLocalRandom.current().nextDouble() < knobs.failRate();
      JsonArray data = null;
      if (failed) {
        account.refund(price);
      } else {
        data = ImageResponses.images(image, baseUrl, urls, 0, System.currentTimeMillis())
            .getJsonArray("data");
      }
      SimGenerations.Generation done =
          new SimGenerations.Generation(id, account.fingerprint(), created, failed ? "failed" : "completed", data);
      async.generations.put(done);
      if (webhookUrl != null && !webhookUrl.isBlank()) {
        async.sendWebhook(vertx, webhookUrl, done);
      }
    });
  }
}
