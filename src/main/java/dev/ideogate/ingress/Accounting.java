package dev.ideogate.ingress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.Hold;
import dev.ideogate.budget.NamedHoldLedger;
import dev.ideogate.budget.Quote;
import dev.ideogate.dispatch.DispatchResult;
import dev.ideogate.upstream.UpstreamFailure;
import dev.ideogate.upstream.UpstreamResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.io.IOException;
import java.util.function.Supplier;
import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles or releases one hold from what Ideogram did (ARCHITECTURE.md §7), then maps Ideogram's answer onto ARCHITECTURE.md §6.
 * The one accounting rule of sync and async requests (the async route settles a 2xx later, see {@link #accepted}):
 * <ul>
 *   <li>2xx: settle the images actually returned (unsafe ones count: Ideogram bills them);</li>
 *   <li>400/401/402/403/422, 429 exhausted, queue refusals, refused connection, client gone while queued: release
 *       (Ideogram did not accept the work);</li>
 *   <li>5xx, timeout, lost response, unreadable 2xx body: settle the whole hold (the work may have been billed,
 *       and spend is never under-counted).</li>
 * </ul>
 * A failed settle or release leaves the hold to expire, and an expired hold is charged: never an overspend.
 */
final class Accounting {
  private static final Logger LOG = LoggerFactory.getLogger(Accounting.class);

  private final BudgetLedger ledger;
  private final Quote quote;
  private final Hold hold;
  private final StructuredArgument requestId;
  /** Told the charge before the hold is settled or released; null on the request path. */
  private final BeforeCharge beforeCharge;
  /** Set once the whole hold was charged because the work may have been billed (a batch line ends UNKNOWN). */
  private boolean chargedInFull;

  Accounting(BudgetLedger ledger, Quote quote, Hold hold, String requestId) {
    this(ledger, quote, hold, requestId, null);
  }

  /**
   * @param beforeCharge told the charge (0 for a release) before the ledger is; the hold is settled or released
   *     only once it succeeded, and left to its lease when it failed (a batch line records its charge first,
   *     ARCHITECTURE.md §13)
   */
  Accounting(BudgetLedger ledger, Quote quote, Hold hold, String requestId, BeforeCharge beforeCharge) {
    this.requestId = StructuredArguments.kv(RequestIdHandler.KEY, requestId);
    this.ledger = ledger;
    this.quote = quote;
    this.hold = hold;
    this.beforeCharge = beforeCharge;
  }

  /** What must be kept before a hold is settled at {@code chargeMicroUsd} and {@code images}. */
  @FunctionalInterface
  interface BeforeCharge {
    Future<Void> charging(long chargeMicroUsd, int images);
  }

  /**
   * The charge told to {@link #beforeCharge} first, then {@code charge} run; its failure skips {@code charge} and
   * leaves the hold to its lease (this replica stops renewing it).
   */
  private <T> Future<T> told(long chargeMicroUsd, int images, Supplier<Future<T>> charge) {
    if (beforeCharge == null) {
      return charge.get();
    }
    return beforeCharge.charging(chargeMicroUsd, images).transform(told -> {
      if (told.succeeded()) {
        return charge.get();
      }
      if (ledger instanceof NamedHoldLedger named) {
        named.abandon(hold);
      }
      return Future.failedFuture(told.cause());
    });
  }

  /** A successful exchange, settled. remainingMicroUsd is −1 when the ledger could not say. */
  record Outcome(String team, DispatchResult result, long chargedMicroUsd, int images, long remainingMicroUsd) {}

  /** A sync exchange: {@link #accepted}, then the images of a 2xx settled (an unreadable body: the whole hold). */
  Future<Outcome> account(AsyncResult<DispatchResult> dispatched) {
    return accepted(dispatched).compose(this::settleImages);
  }

  /**
   * The part of the rule that sync and async requests share: a failed dispatch or a non-2xx answer is settled in
   * full or released (see the class comment) and becomes the client's error; a 2xx passes on, its hold still open,
   * for the caller to settle (sync: the images returned; async: later, from the callback, poll or reconciler).
   */
  Future<DispatchResult> accepted(AsyncResult<DispatchResult> dispatched) {
    if (dispatched.failed()) {
      return accountFailure(dispatched.cause());
    }
    UpstreamResponse response = dispatched.result().response();
    if (response.ok()) {
      return Future.succeededFuture(dispatched.result());
    }
    GatewayException error = mapUpstreamError(response);
    Future<?> accounted = response.status() >= 500 ? settleAll() : release();
    return accounted.compose(v -> Future.failedFuture(error));
  }

  /**
   * Ideogram answered 2xx with a body the gateway cannot use: the work may have been billed, so the whole hold is
   * charged, and the client gets {@code upstream_error}.
   */
  <T> Future<T> unreadable(int status, String what) {
    return settleAll().compose(v -> Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_ERROR,
        "Ideogram answered " + status + " with " + what)));
  }

  private Future<Outcome> settleImages(DispatchResult result) {
    UpstreamResponse response = result.response();
    int images = countImages(response);
    if (images < 0) {
      return unreadable(response.status(), "a body the gateway could not read");
    }
    long charge = quote.charge(images);
    Future<Outcome> settled = told(charge, images, () -> ledger.settle(hold, charge, images)
        .map(s -> new Outcome(hold.team(), result, s.chargedMicroUsd(), images, s.remainingMicroUsd()))
        .recover(e -> {
          LOG.warn("settle failed for hold {} of team {}; its lease will charge it", hold.id(), hold.team(),
              requestId);
          return Future.succeededFuture(new Outcome(hold.team(), result, charge, images, -1));
        }));
    if (beforeCharge != null || settled.isComplete()) {
      return settled; // a batch line keeps its charge record first; a local ledger has answered already
    }
    // The request path answers once the settle is written, not once Redis has replied (ARCHITECTURE.md §2, step
    // 15): the client waits for two round trips, not three. What the settle leaves is known from the hold: the
    // reservation's remaining plus what the hold kept beyond the charge. A settle that fails is left to the lease,
    // which charges the whole hold: never an under-count.
    return Future.succeededFuture(new Outcome(hold.team(), result, charge, images,
        hold.remainingMicroUsd() + hold.amountMicroUsd() - charge));
  }

  private <T> Future<T> accountFailure(Throwable cause) {
    if (cause instanceof UpstreamFailure failure) {
      Future<?> accounted = failure.mayHaveBeenBilled() ? settleAll() : release();
      ErrorCode code = failure.kind() == UpstreamFailure.Kind.TIMEOUT ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_ERROR;
      return accounted.compose(v -> Future.failedFuture(new GatewayException(code, failure.getMessage())));
    }
    return release().compose(v -> Future.failedFuture(cause));
  }

  /** The whole hold is charged (the work may have been billed), but no image is counted: none came back. */
  private Future<Void> settleAll() {
    chargedInFull = true;
    return told(hold.amountMicroUsd(), 0, () -> ledger.settle(hold, hold.amountMicroUsd(), 0).<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("settle failed for hold {} of team {}; its lease will charge it", hold.id(), hold.team(),
              requestId);
          return Future.succeededFuture();
        }));
  }

  /** True when the hold was charged in full without images: the work may have been billed (ARCHITECTURE.md §7). */
  boolean chargedInFull() {
    return chargedInFull;
  }

  private Future<Void> release() {
    return told(0, 0, () -> ledger.release(hold).recover(e -> {
      LOG.warn("release failed for hold {} of team {}; its lease will expire", hold.id(), hold.team(), requestId);
      return Future.succeededFuture();
    }));
  }

  private int countImages(UpstreamResponse response) {
    return countImages(response.body(), quote.perInput());
  }

  /**
   * Items in {@code data[]} for image endpoints; 1 for describe; −1 when the body is unreadable (not a JSON object,
   * or no {@code data} array). A body that reads as one plain object is counted from its token stream, every string
   * and number decoded as the tree would be; anything else gets the tree's own answer, so the count never differs
   * from decoding the whole body (the tree showed in the profile: a map per image only to count them).
   */
  static int countImages(Buffer body, boolean perInput) {
    int streamed = streamedCount(body.getBytes(), perInput);
    return streamed != UNSURE ? streamed : treeCount(body, perInput);
  }

  private static final int UNSURE = Integer.MIN_VALUE;

  /** The count by decoding the whole body into a tree: the reference the streamed count must always agree with. */
  static int treeCount(Buffer body, boolean perInput) {
    try {
      JsonObject json = new JsonObject(body);
      if (perInput) {
        return 1;
      }
      JsonArray data = json.getJsonArray("data");
      return data == null ? -1 : data.size();
    } catch (DecodeException | ClassCastException e) {
      return -1;
    }
  }

  private static int streamedCount(byte[] bytes, boolean perInput) {
    try (JsonParser parser = DatabindCodec.mapper().createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return UNSURE;
      }
      int images = -1;
      int depth = 1;
      int dataDepth = -1; // the depth of the data array while inside it
      boolean dataNext = false;
      while (depth > 0) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          return UNSURE;
        }
        boolean dataValue = dataNext;
        dataNext = false;
        if (depth == dataDepth && token != JsonToken.END_ARRAY) {
          images++; // an element of data[] starts here
        }
        switch (token) {
          case FIELD_NAME -> dataNext = depth == 1 && "data".equals(parser.currentName());
          case START_OBJECT, START_ARRAY -> {
            depth++;
            if (dataValue) {
              images = -1;
              if (token == JsonToken.START_ARRAY) {
                images = 0;
                dataDepth = depth;
              }
            }
          }
          case END_OBJECT, END_ARRAY -> {
            if (depth == dataDepth) {
              dataDepth = -1;
            }
            depth--;
          }
          case VALUE_STRING -> parser.getText();
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
          case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> { }
          default -> {
            return UNSURE;
          }
        }
        if (dataValue && token != JsonToken.START_ARRAY && token != JsonToken.START_OBJECT) {
          images = -1; // data: null, a string, a number: no array
        }
      }
      if (parser.nextToken() != null) {
        return UNSURE;
      }
      return perInput ? 1 : images;
    } catch (IOException | RuntimeException e) {
      return UNSURE;
    }
  }

  static GatewayException mapUpstreamError(UpstreamResponse response) {
    String upstreamMessage = upstreamMessage(response);
    int status = response.status();
    return switch (status) {
      case 400 -> new GatewayException(ErrorCode.INVALID_REQUEST, "Ideogram rejected the request: " + upstreamMessage);
      case 401, 403 -> new GatewayException(ErrorCode.UPSTREAM_AUTH_FAILED,
          "Ideogram refused this team's upstream key (" + status + "): an operator must check the key");
      case 402 -> new GatewayException(ErrorCode.UPSTREAM_INSUFFICIENT_CREDITS,
          "Ideogram reports insufficient credits on this team's account: " + upstreamMessage);
      case 422 -> new GatewayException(ErrorCode.UPSTREAM_SAFETY_REJECTED, upstreamMessage);
      default -> new GatewayException(ErrorCode.UPSTREAM_ERROR, "Ideogram answered " + status + ": " + upstreamMessage);
    };
  }

  private static String upstreamMessage(UpstreamResponse response) {
    try {
      String error = new JsonObject(response.body()).getString("error");
      if (error != null && !error.isBlank()) {
        return error.length() > 500 ? error.substring(0, 500) : error;
      }
    } catch (DecodeException | ClassCastException e) {
      // not JSON: fall through to a generic message
    }
    return "no error message";
  }
}
