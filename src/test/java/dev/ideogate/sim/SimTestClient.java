package dev.ideogate.sim;

import static dev.ideogate.testing.Await.await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;

/** A real WebClient on loopback against one simulator, with blocking helpers for readable tests. */
final class SimTestClient {
  static final Buffer PNG_FILE = ImageFileHandler.PNG;

  private final WebClient client;
  private final IdeogramSimulator simulator;

  SimTestClient(Vertx vertx, IdeogramSimulator simulator) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(simulator.port()), new PoolOptions().setHttp1MaxSize(32));
    this.simulator = simulator;
  }


  Future<HttpResponse<Buffer>> sendJson(String path, String apiKey, JsonObject body) {
    return request(path, apiKey).sendJsonObject(body);
  }

  HttpResponse<Buffer> postJson(String path, String apiKey, JsonObject body) {
    return await(sendJson(path, apiKey, body));
  }

  HttpResponse<Buffer> generate(String apiKey, JsonObject imageRequest) {
    return postJson("/generate", apiKey, new JsonObject().put("image_request", imageRequest));
  }

  HttpResponse<Buffer> postForm(String path, String apiKey, MultipartForm form) {
    return await(request(path, apiKey).sendMultipartForm(form));
  }

  HttpResponse<Buffer> get(String pathAndQuery) {
    return await(client.get(pathAndQuery).send());
  }

  /** Fetches an absolute URL the simulator returned. */
  HttpResponse<Buffer> getAbsolute(String url) {
    return await(client.getAbs(url).send());
  }

  IdeogramSimulator simulator() {
    return simulator;
  }

  static MultipartForm pngPart(MultipartForm form, String field) {
    return form.binaryFileUpload(field, field + ".png", PNG_FILE, "image/png");
  }

  private HttpRequest<Buffer> request(String path, String apiKey) {
    HttpRequest<Buffer> request = client.post(path);
    if (apiKey != null) {
      request.putHeader("Api-Key", apiKey);
    }
    return request;
  }
}
