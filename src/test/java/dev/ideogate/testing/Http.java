package dev.ideogate.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.Map;

/** A real HTTP client on loopback for integration tests; blocking helpers for the test thread. */
public final class Http implements AutoCloseable {
  private final WebClient client;

  public Http(Vertx vertx) {
    this(vertx, 1000);
  }

  /** A client that opens at most {@code maxConnections} per server. */
  public Http(Vertx vertx, int maxConnections) {
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(maxConnections));
  }

  /** What came back. */
  public record Reply(int status, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
    }

    public String header(String name) {
      return headers.get(name);
    }

    public String code() {
      return json().getString("code");
    }

    @Override
    public String toString() {
      return status + " " + (body == null ? "" : body.toString());
    }
  }

  public Future<Reply> send(HttpMethod method, int port, String path, Map<String, String> headers, Buffer body) {
    HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", path).timeout(120_000);
    headers.forEach(request::putHeader);
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(body);
    return sent.map(r -> new Reply(r.statusCode(), r.headers(), r.body()));
  }

  public Future<Reply> postJson(int port, String path, String apiKey, String json) {
    return send(HttpMethod.POST, port, path,
        apiKey == null ? Map.of("Content-Type", "application/json") : Map.of("Content-Type", "application/json", "Api-Key", apiKey),
        Buffer.buffer(json));
  }

  public Future<Reply> postMultipart(int port, String path, String apiKey, MultipartForm form) {
    HttpRequest<Buffer> request = client.request(HttpMethod.POST, port, "127.0.0.1", path).timeout(120_000);
    if (apiKey != null) {
      request.putHeader("Api-Key", apiKey);
    }
    return request.sendMultipartForm(form).map(r -> new Reply(r.statusCode(), r.headers(), r.body()));
  }

  /** Bytes that start like a PNG file (the gateway checks magic bytes, not declared types). */
  public static Buffer png() {
    byte[] bytes = new byte[256];
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    System.arraycopy(signature, 0, bytes, 0, signature.length);
    return Buffer.buffer(bytes);
  }

  public Future<Reply> get(int port, String path, String apiKey) {
    return send(HttpMethod.GET, port, path, apiKey == null ? Map.of() : Map.of("Api-Key", apiKey), null);
  }

  /** A legacy /generate body. */
  public static String generate(String prompt, String model, int numImages) {
    return new JsonObject().put("image_request",
        new JsonObject().put("prompt", prompt).put("model", model).put("num_images", numImages)).encode();
  }


  @Override
  public void close() {
    client.close();
  }
}
