package dev.ideogate.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The only place that talks to Ideogram: one pooled keep-alive HTTP client, the team's {@code Api-Key}, the configured
 * timeout. It never retries: retry decisions belong to the dispatcher, which knows what may have been billed.
 *
 * <p>Calls go out on Vert.x's core client with their host, port and path worked out once from the base URL: a
 * WebClient parsed the whole URL and ran its interceptor chain for every call, a large share of the gateway's CPU per
 * request in the profile. Image calls and the polls of async generations take the same path, with the same headers
 * ({@code user-agent: ideogate}, and the call's trace headers: ARCHITECTURE.md §9).
 */
public final class IdeogramClient {
  // Header names and fixed values made once as pre-hashed ASCII strings, not validated and hashed per call.
  private static final CharSequence USER_AGENT = HttpHeaders.createOptimized("ideogate");
  private static final CharSequence API_KEY = HttpHeaders.createOptimized("Api-Key");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private final HttpClient http;
  private final String host;
  private final int port;
  private final String basePath;
  private final long timeoutMs;

  public IdeogramClient(Vertx vertx, String baseUrl, Duration timeout, int maxConnections) {
    URI base = URI.create(baseUrl);
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout(5_000)
        .setSsl("https".equals(base.getScheme()));
    this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections));
    this.host = base.getHost();
    this.port = base.getPort() >= 0 ? base.getPort() : options.isSsl() ? 443 : 80;
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.timeoutMs = timeout.toMillis();
  }

  /** Sends the call; fails only when no HTTP response arrived (refused, reset, timeout). */
  public Future<UpstreamResponse> send(UpstreamCall call) {
    RequestOptions request = new RequestOptions().setHost(host).setPort(port).setTimeout(timeoutMs)
        .setFollowRedirects(false);
    if (call.isPoll()) {
      request.setMethod(HttpMethod.GET)
          .setURI(basePath + "/v1/generations/" + URLEncoder.encode(call.generationId(), StandardCharsets.UTF_8));
    } else {
      request.setMethod(HttpMethod.POST).setURI(basePath + call.endpoint().path()
          + (call.query() == null || call.query().isEmpty() ? "" : "?" + call.query()));
      if (call.contentType() != null) {
        request.putHeader(HttpHeaders.CONTENT_TYPE, call.contentType());
      }
    }
    call.trace().sending().forEach(request::putHeader);
    request.putHeader(API_KEY, call.apiKey());
    request.putHeader(HttpHeaders.ACCEPT, APPLICATION_JSON);
    request.putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    return http.request(request)
        .compose(sent -> call.isPoll() ? sent.send() : sent.send(call.body()))
        .compose(response -> response.body()
            .map(body -> UpstreamResponse.of(response.statusCode(), response.headers(), body)))
        .andThen(answer -> { // one listener here, the caller's on the returned future
          if (answer.succeeded()) {
            call.trace().answered(answer.result().status());
          } else {
            call.trace().failed(answer.cause());
          }
        });
  }

  public void close() {
    http.close();
  }
}
