package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.policy.ClientKeys.Principal;
import dev.ideogate.policy.ClientKeys;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Authenticates the client key ({@code Api-Key} or {@code Authorization: Bearer}) by its hash and checks that it
 * carries the scope the route needs. The 401 message never says whether the key was unknown, expired or revoked.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  public static final String KEY = "principal";
  private final Supplier<GatewaySettings> settings;
  private final String scope;

  public AuthHandler(Supplier<GatewaySettings> settings, String scope) {
    this.settings = settings;
    this.scope = scope;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var presented = ClientKeys.presentedKey(
        ctx.request().getHeader("Api-Key"), ctx.request().getHeader("Authorization"));
    Principal principal = presented.flatMap(key -> settings.get().clientKeys().authenticate(key)).orElse(null);
    if (principal == null) {
      ctx.fail(new GatewayException(ErrorCode.UNAUTHENTICATED,
          "missing or invalid API key: send your Ideogate key as 'Api-Key: igk_…' or 'Authorization: Bearer igk_…'"));
      return;
    }
    ctx.put(KEY, principal);
    RequestFacts.of(ctx).authenticated(principal.team(), principal.keyId());
    if (!principal.has(scope)) {
      ctx.fail(new GatewayException(ErrorCode.SCOPE_DENIED,
          "key " + principal.keyId() + " lacks the scope " + scope + " that this route needs"));
      return;
    }
    ctx.next();
  }
}
