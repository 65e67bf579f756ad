package dev.ideogate.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The only place that talks to Ideogram: one pooled keep-alive HTTP client, the team's {@code Api-Key}, the configured
 * timeout. It never retries: retry decisions belong to the dispatcher, which knows what may have been billed.
 *
 * <p>Image calls go out on Vert.x's core client with their host, port and path worked out once from the base URL:
 * the WebClient parsed the whole URL and ran its interceptor chain for every call, a large share of the gateway's
 * CPU per request in the profile. Its headers are the same ({@code user-agent: ideogate} included). Polls of an
 * async generation use a WebClient over the same connections.
 */
public final class IdeogramClient {
  private static final String USER_AGENT = "ideogate";
  private final HttpClient http;
  private final WebClient client;
  private final String baseUrl;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String basePath;
  private final long timeoutMs;

  public IdeogramClient(Vertx vertx, String baseUrl, Duration timeout, int maxConnections) {
    URI base = URI.create(baseUrl);
    WebClientOptions options =
        new WebClientOptions()
            .setKeepAlive(true)
            .setUserAgent(USER_AGENT)
            .setConnectTimeout(5_000)
            .setSsl("https".equals(base.getScheme()))
            .setFollowRedirects(false);
    this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections));
    this.client = WebClient.wrap(http, options);
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.ssl = options.isSsl();
    this.host = base.getHost();
    this.port = base.getPort() >= 0 ? base.getPort() : ssl ? 443 : 80;
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
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
    String uri = basePath + call.endpoint().path()
        + (call.query() == null || call.query().isEmpty() ? "" : "?" + call.query());
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setSsl(ssl)
        .setURI(uri).setTimeout(timeoutMs).setFollowRedirects(false);
    call.trace().sending().forEach(request::putHeader);
    request.putHeader("Api-Key", call.apiKey());
    if (call.contentType() != null) {
      request.putHeader("Content-Type", call.contentType());
    }
    request.putHeader("Accept", "application/json");
    request.putHeader("user-agent", USER_AGENT);
    return http.request(request)
        .compose(sent -> sent.send(call.body()))
        .compose(response -> response.body()
            .map(body -> UpstreamResponse.of(response.statusCode(), response.headers(), body)))
        .onSuccess(r -> call.trace().answered(r.status()))
        .onFailure(call.trace()::failed);
  }

  public void close() {
    client.close();
    http.close();
  }
}
