package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.async.AsyncServices;
import dev.ideogate.async.AsyncStore;
import dev.ideogate.async.GenerationSettler;
import dev.ideogate.async.IdeogramWebhookVerifier;
import dev.ideogate.async.JwksCache;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/ideogate/callbacks/ideogram}: Ideogram's webhook for a generation the gateway submitted. No client
 * key: the Ed25519 signature is the authentication ({@link IdeogramWebhookVerifier}, keys from {@link JwksCache}).
 * Unsigned, forged, stale or signed by an unknown key: 401 and nothing read or changed. A valid call settles the
 * generation through {@link GenerationSettler}, which makes a duplicate or a replay within the window a no-op.
 */
public final class CallbackHandler implements Handler<RoutingContext> {
  public static final String PATH = AsyncServices.CALLBACK_PATH;
  private static final Logger LOG = LoggerFactory.getLogger(CallbackHandler.class);

  private final JwksCache jwks;
  private final AsyncStore store;
  private final GenerationSettler settler;
  private final long replayWindowS;
  private final Clock clock;
  /** Callbacks refused for their signature (metric and tests). */
  public final AtomicLong refused = new AtomicLong();

  public CallbackHandler(JwksCache jwks, AsyncStore store, GenerationSettler settler, long replayWindowS, Clock clock) {
    this.clock = clock;
    this.jwks = jwks;
    this.store = store;
    this.settler = settler;
    this.replayWindowS = replayWindowS;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Buffer body = ctx.get(BodyReader.KEY);
    String keyId = ctx.request().getHeader(IdeogramWebhookVerifier.KEY_ID);
    jwks.keysFor(keyId)
        .map(keys -> IdeogramWebhookVerifier.verify(ctx.request()::getHeader, body.getBytes(), keys,
            clock.millis() / 1000, replayWindowS))
        .compose(verdict -> verdict == IdeogramWebhookVerifier.Verdict.VALID ? settle(ctx, body) : refuse(verdict))
        .onSuccess(answer -> ctx.json(answer))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> refuse(IdeogramWebhookVerifier.Verdict verdict) {
    refused.incrementAndGet();
    LOG.warn("refused an Ideogram callback: {}", verdict);
    return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHENTICATED,
        "callback refused: the Ideogram webhook signature is missing, invalid, stale or by an unknown key"));
  }

  private Future<JsonObject> settle(RoutingContext ctx, Buffer body) {
    String generationId = ctx.request().getHeader(IdeogramWebhookVerifier.GENERATION_ID);
    JsonObject result;
    try {
      result = new JsonObject(body);
    } catch (RuntimeException e) {
      return Future.failedFuture(new GatewayException(ErrorCode.INVALID_REQUEST, "callback body is not a JSON object"));
    }
    String bodyId = result.getString("generation_id", result.getString("request_id"));
    if (bodyId != null && !bodyId.equals(generationId)) {
      return Future.failedFuture(new GatewayException(ErrorCode.INVALID_REQUEST,
          "callback body names another generation than its signed header"));
    }
    String status = result.getString("status", result.containsKey("data") ? "completed" : null);
    if (!"completed".equals(status) && !"failed".equals(status)) {
      return Future.succeededFuture(new JsonObject().put("settled", false).put("reason", "not final"));
    }
    result.put("status", status);
    return store.find(generationId).compose(generation -> {
      if (generation == null) {
        return Future.failedFuture(new GatewayException(ErrorCode.NOT_FOUND, "unknown generation"));
      }
      return settler.settle(generation, result, "callback").map(won -> new JsonObject().put("settled", won));
    });
  }
}
