package dev.ideogate.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The only place that talks to Ideogram: one pooled keep-alive WebClient, the team's {@code Api-Key}, the configured
 * timeout. It never retries: retry decisions belong to the dispatcher, which knows what may have been billed.
 */
public final class IdeogramClient {
  private final WebClient client;
  private final String baseUrl;
  private final long timeoutMs;

  public IdeogramClient(Vertx vertx, String baseUrl, Duration timeout, int maxConnections) {
    URI base = URI.create(baseUrl);
    WebClientOptions options =
        new WebClientOptions()
            .setKeepAlive(true)
            .setUserAgent("ideogate")
            .setConnectTimeout(5_000)
            .setSsl("https".equals(base.getScheme()))
            .setFollowRedirects(false);
    this.client = WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(maxConnections));
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeoutMs = timeout.toMillis();
  }

  /** Sends the call; fails only when no HTTP response arrived (refused, reset, timeout). */
  public Future<UpstreamResponse> send(UpstreamCall call) {
    if (call.isPoll()) {
      String url = baseUrl + "/v1/generations/" + URLEncoder.encode(call.generationId(), StandardCharsets.UTF_8);
      return client.getAbs(url).timeout(timeoutMs).putHeader("Api-Key", call.apiKey())
          .putHeader("Accept", "application/json").send()
          .map(r -> UpstreamResponse.of(r.statusCode(), r.headers(), r.body()));
    }
    String url = baseUrl + call.endpoint().path() + (call.query() == null || call.query().isEmpty() ? "" : "?" + call.query());
    HttpRequest<io.vertx.core.buffer.Buffer> request = client.requestAbs(HttpMethod.POST, url).timeout(timeoutMs);
    call.trace().sending().forEach(request::putHeader);
    request.putHeader("Api-Key", call.apiKey());
    if (call.contentType() != null) {
      request.putHeader("Content-Type", call.contentType());
    }
    request.putHeader("Accept", "application/json");
    return request.sendBuffer(call.body())
        .map(r -> UpstreamResponse.of(r.statusCode(), r.headers(), r.body()))
        .onSuccess(r -> call.trace().answered(r.status()))
        .onFailure(call.trace()::failed);
  }

  public void close() {
    client.close();
  }
}
