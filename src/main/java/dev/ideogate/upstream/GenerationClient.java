package dev.ideogate.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Ideogram's two async GET routes (ideogram-api.md §2a, §4.3): the poll of a generation with the team's key, and the
 * webhook key set. GETs are safe to repeat; this class does not retry them itself.
 */
public final class GenerationClient {
  private final WebClient client;
  private final String baseUrl;
  private final long timeoutMs;

  public GenerationClient(Vertx vertx, String baseUrl, long timeoutMs) {
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setUserAgent("ideogate")
        .setConnectTimeout(5_000).setSsl("https".equals(URI.create(baseUrl).getScheme())).setFollowRedirects(false));
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeoutMs = timeoutMs;
  }

  /** {@code GET /v1/generations/{id}} with {@code apiKey}; any HTTP answer succeeds, no answer fails. */
  public Future<UpstreamResponse> poll(String apiKey, String generationId) {
    return poll(apiKey, generationId, CallTrace.NONE);
  }

  /** The same poll on behalf of a client's request: carries its trace context and request id (ARCHITECTURE.md §9). */
  public Future<UpstreamResponse> poll(String apiKey, String generationId, CallTrace trace) {
    String url = baseUrl + "/v1/generations/" + URLEncoder.encode(generationId, StandardCharsets.UTF_8);
    var request = client.getAbs(url).timeout(timeoutMs);
    trace.sending().forEach(request::putHeader);
    return request.putHeader("Api-Key", apiKey).putHeader("Accept", "application/json")
        .send()
        .map(r -> UpstreamResponse.of(r.statusCode(), r.headers(), r.body()))
        .onSuccess(r -> trace.answered(r.status()))
        .onFailure(trace::failed);
  }

  /** {@code GET /v1/.well-known/jwks.json}; fails unless 200 with a JSON object. */
  public Future<JsonObject> jwks() {
    return client.getAbs(baseUrl + "/v1/.well-known/jwks.json").timeout(timeoutMs).send().compose(r -> r.statusCode() == 200
        ? Future.succeededFuture(r.bodyAsJsonObject())
        : Future.failedFuture(new IllegalStateException("JWKS answered " + r.statusCode())));
  }

  public void close() {
    client.close();
  }
}
