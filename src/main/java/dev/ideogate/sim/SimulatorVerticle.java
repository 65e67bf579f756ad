package dev.ideogate.sim;

import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** The simulator's HTTP server: every Ideogram route of {@link Endpoint}, its image files, and /__sim. */
final class SimulatorVerticle extends VerticleBase {
  private final SimulatorOptions options;
  private final SimAccounts accounts;
  private final SignedImageUrls urls;
  private final SimAsync async;
  private HttpServer server;

  SimulatorVerticle(SimulatorOptions options, SimAccounts accounts, SimAsync async) {
    this.options = options;
    this.accounts = accounts;
    this.async = async;
    this.urls = SignedImageUrls.withRandomSecret(options.imageUrlTtl());
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    for (Endpoint endpoint : Endpoint.values()) {
      router.post(endpoint.path()).handler(endpoint.async()
          ? new AsyncGenerationHandler(vertx, endpoint, accounts, options, urls, async)
          : new ImageCallHandler(vertx, endpoint, accounts, options, urls));
    }
    new GenerationRoutes(accounts, async).mount(router);
    router.get(SignedImageUrls.PATH_PREFIX + ":file").handler(new ImageFileHandler(urls));
    new SimulatorAdminRoutes(accounts).mount(router);
    router.route().last().handler(ctx -> ImageCallHandler.sendJson(ctx.response(), 404,
        new JsonObject().put("error", "Not Found"), null));
    // multipart text parts (a 10,000-character prompt is up to 120 KB once JSON-escaped) are bounded by the
    // reader's own limit, not by Vert.x's 8 KiB default, which would fail the decoding and answer 500
    server = vertx.createHttpServer(new HttpServerOptions()
            .setMaxFormAttributeSize(RequestBodyReader.MAX_TEXT_PART_BYTES)
            .setMaxFormFields(RequestBodyReader.MAX_PARTS)
            .setMaxFormBufferedBytes(RequestBodyReader.MAX_TEXT_PART_BYTES))
        .requestHandler(router);
    return server.listen(options.port(), options.host());
  }

  int actualPort() {
    return server.actualPort();
  }
}
