package dev.ideogate.ingress;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.testing.SecurityFixture;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed HTTP over a raw socket (ARCHITECTURE.md §6): the answer is a status of the error table with a JSON body
 * carrying {@code request_id}, or a closed connection. Before, the errors for undecodable requests (bad
 * Content-Length, bare CR, 414, 431, …) had no {@code request_id}, and an unknown HTTP version got Vert.x's own 501.
 */
class MalformedHttpTest {
  private static final Set<Integer> TABLE = Arrays.stream(ErrorCode.values()).map(ErrorCode::status)
      .collect(Collectors.toSet());
  private static SecurityFixture fixture;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    fixture = new SecurityFixture();
    gateway = fixture.start(SecurityFixture.parse(fixture.yaml("", "maxHeaderBytes: 2048", "")));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "POST /generate HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /generate HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST /generate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "GET /v1/usage HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
      "GET /v1/usage HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n",
      "GET v1/usage HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "BREW /v1/usage HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /v1/usage HTTP/1.1\r\nHost: x\r\nX-Big: LONG\r\n\r\n",
      "GET /LONG HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET /v1/usage HTTP/2.0\r\nHost: x\r\n\r\n",
      "POST /generate FOO/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"})
  void answersOnlyWithTableStatusesAndRequestIds(String request) throws Exception {
    String response = raw(request.replace("LONG", "a".repeat(9000)));
    if (response.isEmpty()) {
      return; // a closed connection is an answer
    }
    int status = Integer.parseInt(response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4));
    assertTrue(TABLE.contains(status), "status " + status + " is not in the error table: " + response);
    int bodyAt = response.indexOf("\r\n\r\n");
    String body = response.substring(bodyAt + 4).trim();
    assertTrue(body.startsWith("{"), "a JSON error body: " + response);
    JsonObject json = new JsonObject(body);
    assertNotNull(json.getString("code"), response);
    assertNotNull(json.getString("request_id"), "no request_id: " + response);
  }

  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      try {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (SocketException reset) {
        return "";
      }
    }
  }
}
