package dev.ideogate.ingress;

import dev.ideogate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Starts an HTTP server (client or management port) with what every port needs against hostile clients: a
 * deadline for the request head ({@code server.headerTimeout}, see {@link HeaderDeadline}) and, when
 * {@code server.tls} is set, HTTPS from PEM files re-read on change ({@link TlsFiles}).
 */
public final class HardenedServer {
  private HardenedServer() {}

  /**
   * @param invalidRequests null for Vert.x's default handling of undecodable requests
   */
  public static Future<HttpServer> listen(Vertx vertx, HttpServerOptions options, GatewayConfig.Server config,
      Handler<HttpServerRequest> requests, Handler<HttpServerRequest> invalidRequests) {
    HeaderDeadline deadline = new HeaderDeadline(config.headerTimeout().toMillis(), () -> System.nanoTime() / 1_000_000);
    GatewayConfig.Tls tls = config.tls();
    TlsFiles files = tls.enabled() ? new TlsFiles(vertx, tls) : null;
    Future<HttpServerOptions> ready = files == null
        ? Future.succeededFuture(options)
        : files.load().map(pem -> options.setSsl(true).setKeyCertOptions(pem));
    return ready.compose(opts -> {
      // No h2c: while the server sniffs the first bytes for an HTTP/2 preface it has not announced the connection
      // yet, so the header deadline could not see (and close) a client that dribbles them. Clients speak HTTP/1.1.
      HttpServer server = vertx.createHttpServer(opts.setHttp2ClearTextEnabled(false))
          .connectionHandler(HttpVersionGuard.installing(deadline.connectionHandler()))
          .requestHandler(deadline.requestHandler(requests));
      if (invalidRequests != null) {
        server.invalidRequestHandler(invalidRequests);
      }
      return server.listen();
    }).onSuccess(server -> {
      deadline.start(vertx);
      if (files != null) {
        files.watch(server);
      }
    });
  }
}
