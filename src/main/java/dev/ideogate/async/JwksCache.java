package dev.ideogate.async;

import dev.ideogate.upstream.GenerationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ideogram's webhook keys, fetched from the upstream JWKS and cached. An unknown key id triggers one refetch (a key
 * rotation), at most once per {@code minRefetchMs}, so forged key ids cannot make the gateway hammer the JWKS. A key
 * set older than {@code maxAgeMs} is refetched before it is used, known key id or not (ARCHITECTURE.md §11): a key
 * Ideogram withdraws stops verifying within that time instead of being trusted forever. When a refetch fails the
 * old set is kept (Ideogram's JWKS being down must not refuse every callback).
 * Concurrent callers share one fetch. Only OKP/Ed25519 keys are kept.
 */
public final class JwksCache {
  private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);

  private final GenerationClient upstream;
  private final long minRefetchMs;
  private final long maxAgeMs;
  private volatile Map<String, PublicKey> keys = Map.of();
  // System.nanoTime() / 1e6 of the last fetch: the refetch limit is a duration, not a time of day.
  private volatile long fetchedAtMs = Long.MIN_VALUE / 2;
  private Future<Map<String, PublicKey>> inFlight;

  public JwksCache(GenerationClient upstream, long minRefetchMs, long maxAgeMs) {
    this.upstream = upstream;
    this.minRefetchMs = minRefetchMs;
    this.maxAgeMs = maxAgeMs;
  }

  /**
   * The key set, refetched first when it is older than {@code maxAgeMs}, or when {@code keyId} is unknown and the
   * last fetch is old enough.
   */
  public synchronized Future<Map<String, PublicKey>> keysFor(String keyId) {
    Map<String, PublicKey> current = keys;
    long nowMs = System.nanoTime() / 1_000_000;
    boolean stale = nowMs - fetchedAtMs >= maxAgeMs;
    if (keyId != null && current.containsKey(keyId) && !stale) {
      return Future.succeededFuture(current);
    }
    if (inFlight != null) {
      return inFlight;
    }
    if (nowMs - fetchedAtMs < minRefetchMs) {
      return Future.succeededFuture(current);
    }
    fetchedAtMs = nowMs;
    inFlight = upstream.jwks().map(JwksCache::parse)
        .onSuccess(parsed -> keys = parsed)
        .recover(e -> {
          LOG.warn("could not fetch Ideogram's webhook keys: {}", e.toString());
          return Future.succeededFuture(keys);
        })
        .andThen(v -> {
          synchronized (this) {
            inFlight = null;
          }
        });
    return inFlight;
  }

  static Map<String, PublicKey> parse(JsonObject jwks) {
    Map<String, PublicKey> parsed = new HashMap<>();
    JsonArray list = jwks.getJsonArray("keys", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject jwk = list.getJsonObject(i);
      if (!"OKP".equals(jwk.getString("kty")) || !"Ed25519".equals(jwk.getString("crv")) || jwk.getString("kid") == null) {
        continue;
      }
      try {
        parsed.put(jwk.getString("kid"), IdeogramWebhookVerifier.ed25519(jwk.getString("x", "")));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        LOG.warn("skipping an unreadable JWKS key");
      }
    }
    return Map.copyOf(parsed);
  }
}
