package dev.ideogate.sim;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;

/**
 * Serves the images that simulated responses link to: a small real PNG while the URL's signature holds and
 * {@code exp} has not passed, 410 Gone after, 403 for a URL this simulator did not sign.
 */
final class ImageFileHandler implements Handler<RoutingContext> {
  /** An 8×8 RGB gradient, a valid PNG any decoder accepts. */
  static final Buffer PNG = Buffer.buffer(Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAfElEQVR42g3JIQFEIRQAsIvzQxCCBhg0eoYGrwEGjcbQgFjH7H6fm9zsVpcb"
          + "7nS3+/uc5GSnOpxwprOdFytZ2aoWK6xpbevFSEY2qsEIYxrbeBFJZFEFEWKKLV70pGe96vTQp771Fy1pWasaLbSpbe1FSUpWqkIJZSpb"
          + "+QN0kl5hQvTvygAAAABJRU5ErkJggg=="));

  private final SignedImageUrls urls;

  ImageFileHandler(SignedImageUrls urls) {
    this.urls = urls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String file = ctx.pathParam("file");
    String imageId = file.endsWith(".png") ? file.substring(0, file.length() - 4) : file;
    switch (urls.check(imageId, request.getParam("exp"), request.getParam("sig"), System.currentTimeMillis())) {
      case VALID:
        request.response().putHeader(HttpHeaders.CONTENT_TYPE, "image/png").end(PNG);
        return;
      case EXPIRED:
        ImageCallHandler.sendJson(request.response(), 410,
            new JsonObject().put("error", "This image link has expired; image links are temporary."), null);
        return;
      default:
        ImageCallHandler.sendJson(request.response(), 403,
            new JsonObject().put("error", "Invalid image link signature."), null);
    }
  }
}
