package dev.ideogate.sim;

import dev.ideogate.upstream.Endpoint;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One Ideogram route, in the order Ideogram decides: key (401, or 403 on the remix and upscale routes), in-flight
 * limit (429), fields (400), prompt safety (422), credits (402); then the model's latency, the fault knobs, and
 * the images.
 */
final class ImageCallHandler implements Handler<RoutingContext> {
  private static final Set<Endpoint> FORBIDDEN_NOT_UNAUTHORIZED =
      Set.of(Endpoint.REMIX, Endpoint.UPSCALE, Endpoint.V3_REMIX);
  static final String SAFETY_ERROR = "Prompt provided failed safety check due to the inclusion of prohibited content.";

  private final Vertx vertx;
  private final Endpoint endpoint;
  private final SimAccounts accounts;
  private final SimulatorOptions options;
  private final SignedImageUrls urls;
  private final List<String> flaggedWords;

  ImageCallHandler(Vertx vertx, Endpoint endpoint, SimAccounts accounts, SimulatorOptions options,
      SignedImageUrls urls) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.accounts = accounts;
    this.options = options;
    this.urls = urls;
    this.flaggedWords = options.flaggedWords().stream().map(word -> word.toLowerCase(Locale.ROOT)).toList();
  }

  /** What an admitted, valid, paid-for call carries to its answer. */
  private record Accepted(SimRequest request, long priceMicroUsd) {}

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    SimAccount account = accounts.authenticate(request.getHeader("Api-Key"));
    if (account == null) {
      boolean forbidden = FORBIDDEN_NOT_UNAUTHORIZED.contains(endpoint);
      sendJson(request.response(), forbidden ? 403 : 401, new JsonObject().put("error",
          forbidden ? "Not authorized to generate an image" : "Unauthorized: missing or invalid Api-Key"), null);
      return;
    }
    SimulatorKnobs knobs = account.knobs(accounts.globalKnobs());
    SimAccount.Call call = account.arrive(endpoint.path(), System.currentTimeMillis(), accounts.globalKnobs());
    account.sawHeaders(request.getHeader("traceparent"), request.getHeader("X-Request-Id"));
    if (!call.admitted()) {
      account.finish(call, 429, 0, System.currentTimeMillis());
      sendJson(request.response(), 429, inFlightLimitBody(call.limit), knobs.retryAfterS());
      return;
    }
    RequestBodyReader.read(request, endpoint)
        .map(body -> accept(account, body))
        .compose(accepted -> delay(accepted, knobs))
        .onComplete(result -> answer(request, account, call, knobs, result));
  }

  static JsonObject inFlightLimitBody(int limit) {
    return new JsonObject()
        .put("error", "Too many requests in flight: this API key allows " + limit + " at once.")
        .put("reject_reason", "inflight_limit")
        .put("max_inflight_requests", limit);
  }

  private Accepted accept(SimAccount account, RequestBodyReader.Body body) {
    SimRequest request = IdeogramContract.check(endpoint, body.fields(), body.files());
    String prompt = request.prompt().toLowerCase(Locale.ROOT);
    if (flaggedWords.stream().anyMatch(prompt::contains)) {
      throw SimRejection.of(422, SAFETY_ERROR);
    }
    long price = SimPricing.priceMicroUsd(request);
    if (!account.charge(price)) {
      throw new SimRejection(402, new JsonObject()
          .put("error", "Insufficient credits: this request costs " + usd(price) + " USD and the account has "
              + usd(account.creditsMicroUsd()) + " USD left.")
          .put("reject_reason", "insufficient_funds"));
    }
    return new Accepted(request, price);
  }

  private Future<Accepted> delay(Accepted accepted, SimulatorKnobs knobs) {
    long delayMs = SimLatency.delayMs(accepted.request(), options.timeScale(), knobs);
    return delayMs == 0 ? Future.succeededFuture(accepted) : vertx.timer(delayMs).map(accepted);
  }

  private void answer(HttpServerRequest request, SimAccount account, SimAccount.Call call, SimulatorKnobs knobs,
      AsyncResult<Accepted> result) {
    HttpServerResponse response = request.response();
    if (result.failed()) {
      // anything but a decided rejection is a simulator bug or a client gone mid-body: 500, never a fake 4xx
      SimRejection rejection = result.cause() instanceof SimRejection known ? known
          : SimRejection.of(500, "simulator error: " + result.cause());
      account.finish(call, rejection.status, 0, System.currentTimeMillis());
      sendJson(response, rejection.status, rejection.body, null);
      return;
    }
    Accepted accepted = result.result();
    if (ThreadLocalRandom.current().nextDouble() < knobs.errorRate5xx()) {
      account.refund(accepted.priceMicroUsd());
      account.finish(call, 500, 0, System.currentTimeMillis());
      sendJson(response, 500, new JsonObject().put("error", "Internal Server Error"), null);
      return;
    }
    if (ThreadLocalRandom.current().nextDouble() < knobs.dropConnectionRate()) {
      account.finish(call, 0, 0, System.currentTimeMillis());
      request.connection().close();
      return;
    }
    JsonObject body = endpoint == Endpoint.DESCRIBE ? ImageResponses.describe()
        : ImageResponses.images(accepted.request(), baseUrl(request), urls, knobs.unsafeRate(),
            System.currentTimeMillis());
    int images = endpoint == Endpoint.DESCRIBE ? 0 : body.getJsonArray("data").size();
    if (knobs.slowResponseMs() != null && knobs.slowResponseMs() > 0) {
      sendStalled(response, body.toBuffer(), knobs.slowResponseMs(), () -> account.finish(call, 200, images,
          System.currentTimeMillis()));
      return;
    }
    account.finish(call, 200, images, System.currentTimeMillis());
    sendJson(response, 200, body, null);
  }

  /** Status, headers and half the body now, the rest later: a response that stalls mid-body. */
  private void sendStalled(HttpServerResponse response, Buffer bytes, long stallMs, Runnable beforeEnd) {
    int half = bytes.length() / 2;
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(bytes.length()))
        .write(bytes.slice(0, half));
    vertx.setTimer(stallMs, id -> {
      beforeEnd.run();
      response.end(bytes.slice(half, bytes.length()));
    });
  }

  static void sendJson(HttpServerResponse response, int status, JsonObject body, Integer retryAfterS) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (status == 429 && retryAfterS != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterS));
    }
    response.end(body.toBuffer());
  }

  /** Image URLs are absolute, on the authority the client used to reach the simulator. */
  private String baseUrl(HttpServerRequest request) {
    String host = request.getHeader(HttpHeaders.HOST);
    return "http://" + (host != null ? host : options.host() + ":" + request.localAddress().port());
  }

  private static String usd(Long microUsd) {
    return microUsd == null ? "unlimited" : dev.ideogate.api.MicroUsd.format(microUsd);
  }
}
