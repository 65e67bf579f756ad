package dev.ideogate.testing;

import io.vertx.core.buffer.Buffer;

/**
 * The hostile request bodies of ARCHITECTURE.md §11 ("limits before work"), shared by {@code StallCanaryTest} (the
 * behaviour bound) and the benchmark's stall scenario (the number): bodies for {@code /generate} (JSON) and
 * {@code /remix} (multipart, boundary {@code b}).
 */
public final class HostileBodies {
  public static final String MULTIPART = "multipart/form-data; boundary=b";

  private HostileBodies() {}

  /** A legacy /generate body whose prompt is {@code promptJson}, raw JSON (a string, or deep nesting). */
  public static Buffer generate(String promptJson) {
    return Buffer.buffer("{\"image_request\":{\"model\":\"V_2\",\"prompt\":" + promptJson + "}}");
  }

  /** A /remix body with {@code prompt} in its image_request part and a tiny PNG. */
  public static Buffer remix(String prompt) {
    return Buffer.buffer("--b\r\nContent-Disposition: form-data; name=\"image_request\"\r\n\r\n"
        + "{\"model\":\"V_2\",\"prompt\":\"" + prompt + "\"}\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"a.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n\u0089PNG\r\n\u001a\n\r\n--b--\r\n");
  }

  /** A multipart body of {@code parts} one-byte text parts. */
  public static Buffer manyParts(int parts) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      body.append("--b\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nx\r\n");
    }
    return Buffer.buffer(body.append("--b--\r\n").toString());
  }
}
