package dev.ideogate.ingress;

import dev.ideogate.api.RandomIds;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is a sane token, else a fresh UUID. Echoed
 * on the response and carried by every log and audit line of the request.
 */
public final class RequestIdHandler implements Handler<RoutingContext> {
  public static final String KEY = "request_id";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String offered = ctx.request().getHeader(ResponseHeaders.REQUEST_ID);
    String id = offered != null && SAFE.matcher(offered).matches() ? offered : RandomIds.uuid();
    ctx.put(KEY, id);
    RequestFacts.of(ctx); // starts the request's clock
    ctx.response().putHeader(ResponseHeaders.REQUEST_ID, id);
    ctx.next();
  }
}
