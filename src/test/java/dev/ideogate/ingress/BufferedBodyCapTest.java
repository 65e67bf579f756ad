package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.SecurityFixture.BETA_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.SecurityFixture;
import dev.ideogate.testing.SecurityFixture.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory caps of ARCHITECTURE.md §11 over real HTTP: uploads that declare 1 MiB and stall hold their bytes; the
 * key's third upload gets 429 {@code rate_limited}, the upload that would pass the replica's cap 503, both with
 * Retry-After; another team is still served; and when the uploaders leave, every byte and upload is given back
 * (gauges {@code ideogate_buffered_body_bytes} and {@code ideogate_buffered_body_uploads} at 0).
 */
class BufferedBodyCapTest {
  private static final String ALPHA_ONE = "igk_dev_alphaOne0123456789abcdefghijklmnopqrstu";
  private static final String ALPHA_TWO = "igk_dev_alphaTwo0123456789abcdefghijklmnopqrstu";
  private static final int MIB = 1 << 20;
  private static SecurityFixture fixture;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    fixture = new SecurityFixture();
    gateway = fixture.start(SecurityFixture.parse("""
        environment: dev
        server:
          host: 127.0.0.1
          port: 0
          managementPort: 0
          maxBodyBytes: 1048576
          maxFileBytes: 1048576
          maxBufferedBodyBytes: 3670016
          maxConcurrentUploadsPerKey: 2
          publicBaseUrl: "https://gateway.example.com"
        upstream:
          baseUrl: "%s"
        teams:
          alpha:
            upstreamKey: "sim-key-alpha-0123456789"
            dailyBudgetUsd: "100"
            allowedModels: [V_2, V_3]
            allowedStyles: [AUTO]
            clientKeys:
              - { id: alpha-one, sha256: "%s", scopes: [images:generate] }
              - { id: alpha-two, sha256: "%s", scopes: [images:generate] }
          beta:
            upstreamKey: "sim-key-beta-0123456789"
            dailyBudgetUsd: "100"
            allowedModels: [V_2, V_3]
            allowedStyles: [AUTO]
            clientKeys:
              - { id: beta-key, sha256: "%s", scopes: [images:generate, usage:read] }
        """.formatted(fixture.simulator.baseUrl(), ClientKeys.sha256(ALPHA_ONE), ClientKeys.sha256(ALPHA_TWO),
        ClientKeys.sha256(BETA_KEY))));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  void capsRefuseTheExcessServeAnotherTeamAndGiveEverythingBack() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      held.add(stalledUpload(ALPHA_ONE));
      held.add(stalledUpload(ALPHA_ONE));
      awaitGauges(2L * MIB, 2);

      assertRefused(answerOf(stalledUpload(ALPHA_ONE)), 429, "rate_limited", "maxConcurrentUploadsPerKey");

      held.add(stalledUpload(ALPHA_TWO));
      awaitGauges(3L * MIB, 3);
      assertRefused(answerOf(stalledUpload(ALPHA_TWO)), 503, "shutting_down", "maxBufferedBodyBytes");
      awaitGauges(3L * MIB, 3);

      Reply generate = await(fixture.generate(gateway.port(), BETA_KEY, "a lighthouse at dawn"));
      assertEquals(200, generate.status(), generate.toString());
      Reply usage = fixture.get(gateway.port(), "/v1/usage", BETA_KEY);
      assertEquals(200, usage.status(), usage.toString());
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    awaitGauges(0, 0);

    Reply answered = await(fixture.send(HttpMethod.POST, gateway.port(), "/remix",
        Map.of("Api-Key", ALPHA_ONE, "Content-Type", "multipart/form-data; boundary=b"),
        Buffer.buffer("x".repeat(200_000))));
    assertEquals(400, answered.status(), answered.toString());
    awaitGauges(0, 0);
  }

  @Test
  void theCallbackRouteReadsNoMoreThanACallbackCanBe() {
    Reply reply = await(fixture.send(HttpMethod.POST, gateway.port(), "/v1/ideogate/callbacks/ideogram",
        Map.of("Content-Type", "application/json"), Buffer.buffer("{\"a\":\"" + "x".repeat(400_000) + "\"}")));
    assertEquals(413, reply.status(), reply.toString());
    assertEquals("payload_too_large", reply.code());
    awaitGauges(0, 0);
  }

  /** The table's status and code, the setting named, a request id and Retry-After. */
  private static void assertRefused(String answer, int status, String code, String setting) {
    assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
    assertTrue(answer.contains("\"code\":\"" + code + "\"") && answer.contains(setting), answer);
    assertTrue(answer.contains("\"request_id\"") && answer.toLowerCase().contains("retry-after: 1"), answer);
  }

  /** A /remix that declares 1 MiB, sends 1 KiB and stalls: the gateway holds its claim until the socket closes. */
  private static Socket stalledUpload(String key) throws IOException {
    Socket socket = new Socket("127.0.0.1", gateway.port());
    socket.setSoTimeout(30_000);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /remix HTTP/1.1\r\nHost: 127.0.0.1\r\nApi-Key: " + key
        + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + MIB + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[1024]);
    out.flush();
    return socket;
  }

  /** The whole answer to a refused upload (the gateway closes the connection after it). */
  private static String answerOf(Socket socket) throws IOException {
    try (socket; InputStream in = socket.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void awaitGauges(long bytes, int uploads) {
    Await.until("buffered bodies at " + bytes + " bytes and " + uploads + " uploads", () -> {
      String metrics = fixture.get(gateway.managementPort(), "/metrics", null).body().toString();
      return gauge(metrics, "ideogate_buffered_body_bytes") == bytes
          && gauge(metrics, "ideogate_buffered_body_uploads") == uploads;
    });
  }

  private static long gauge(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }
}
