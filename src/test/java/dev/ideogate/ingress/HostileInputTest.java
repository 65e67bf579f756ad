package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.SecurityFixture.ALPHA_KEY;
import static dev.ideogate.testing.SecurityFixture.BETA_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ideogate.Gateway;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.testing.SecurityFixture.Reply;
import dev.ideogate.testing.SecurityFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Hostile input over real HTTP against one gateway: every limit answers its ARCHITECTURE.md §6 status, PII is blocked for a
 * blocking team, random bodies never get a 500, and no log line of this class's requests holds a test e-mail,
 * phone, card number or key.
 */
class HostileInputTest {
  private static final String EMAIL = "jane.doe.pii@example.org";
  private static final String PHONE = "+44 20 7946 0958";
  private static final String CARD = "4111 1111 1111 1111";
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static Level rootLevel;
  private static SecurityFixture fixture;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    LOGS.start();
    root.addAppender(LOGS);
    fixture = new SecurityFixture();
    gateway = fixture.start(SecurityFixture.parse(fixture.yaml("",
        "maxBodyBytes: 20000\nmaxFileBytes: 10000\nmaxParts: 4\nmaxHeaderBytes: 2048", "pii: redact-logs")));
  }

  @AfterAll
  static void stop() {
    fixture.close();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel);
    root.detachAppender(LOGS);
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent event : LOGS.list) {
      all.append(event.getFormattedMessage()).append(' ');
      if (event.getArgumentArray() != null) {
        for (Object arg : event.getArgumentArray()) {
          all.append(arg).append(' ');
        }
      }
      if (event.getThrowableProxy() != null) {
        all.append(event.getThrowableProxy().getMessage()).append(' ');
      }
      all.append('\n');
    }
    String text = all.toString();
    for (String secret : List.of(EMAIL, PHONE, CARD, "4111111111111111", ALPHA_KEY, BETA_KEY,
        ClientKeys.sha256(ALPHA_KEY), "sim-key-alpha-0123456789")) {
      assertTrue(!text.contains(secret), "a log line contains " + secret.substring(0, 6) + "…");
    }
  }

  private static Reply post(String path, String key, String contentType, Buffer body) {
    return await(fixture.send(HttpMethod.POST, gateway.port(), path,
        Map.of("Api-Key", key, "Content-Type", contentType), body));
  }

  @Test
  void oversizedHeadersAre431AndAnOverlongUriIs414() throws Exception {
    String big = raw("GET /v1/usage HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4000) + "\r\n\r\n");
    assertTrue(big.startsWith("HTTP/1.1 431"), big);
    assertTrue(big.contains("headers_too_large"), big);
    String longUri = raw("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(longUri.startsWith("HTTP/1.") && longUri.contains(" 414 ") && longUri.contains("uri_too_long"), longUri);
  }

  @Test
  void anOversizedBodyIs413BeforeAndWhileItIsRead() {
    Reply declared = post("/generate", ALPHA_KEY, "application/json", Buffer.buffer("x".repeat(25_000)));
    assertEquals(413, declared.status());
    assertEquals("payload_too_large", declared.code());
  }

  @Test
  void tooManyMultipartPartsIs413AndDeepJsonIs400() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      body.append("--b\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
    }
    body.append("--b--\r\n");
    Reply parts = post("/describe", ALPHA_KEY, "multipart/form-data; boundary=b", Buffer.buffer(body.toString()));
    assertEquals(413, parts.status(), parts.toString());

    String deep = "{\"image_request\":" + "[".repeat(100) + "]".repeat(100) + "}";
    Reply nested = post("/generate", ALPHA_KEY, "application/json", Buffer.buffer(deep));
    assertEquals(400, nested.status(), nested.toString());
    assertEquals("invalid_request", nested.code());
  }

  /** server.maxFileBytes (10,000 here) was validated but the 10 MB of Ideogram's own limit was applied instead. */
  @Test
  void aFileOverServerMaxFileBytesIs413NamingTheSetting() {
    byte[] png = new byte[15_000];
    System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
    Buffer body = Buffer.buffer("--b\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"a.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n").appendBytes(png).appendString("\r\n--b--\r\n");
    Reply reply = post("/describe", ALPHA_KEY, "multipart/form-data; boundary=b", body);
    assertEquals(413, reply.status(), reply.toString());
    assertTrue(reply.json().getString("error").contains("server.maxFileBytes"), reply.toString());
  }

  @Test
  void anImageIsJudgedByItsBytesNotItsDeclaredType() {
    String body = "--b\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"cat.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n#!/bin/sh\necho not an image\r\n--b--\r\n";
    Reply reply = post("/describe", ALPHA_KEY, "multipart/form-data; boundary=b", Buffer.buffer(body));
    assertEquals(400, reply.status(), reply.toString());
    assertEquals("invalid_request", reply.code());
  }

  @Test
  void aPiiPromptIsBlockedWith422ForABlockingTeamAndPassesMaskedForARedactingOne() {
    for (String prompt : List.of("poster for " + EMAIL, "call " + PHONE + " now", "card " + CARD)) {
      Reply blocked = await(fixture.generate(gateway.port(), BETA_KEY, prompt));
      assertEquals(422, blocked.status(), blocked.toString());
      assertEquals("content_blocked", blocked.code());
      assertTrue(blocked.json().getString("error").contains("category: pii"), blocked.toString());
      assertTrue(!blocked.body().toString().contains(EMAIL) && !blocked.body().toString().contains(CARD));
      Reply redacted = await(fixture.generate(gateway.port(), ALPHA_KEY, prompt));
      assertEquals(200, redacted.status(), redacted.toString());
    }
  }

  @Test
  void aKeyOfAnotherEnvironmentIsRefusedLikeAnyBadKey() {
    try (SecurityFixture prod = new SecurityFixture()) {
      String yaml = prod.yaml("redis: { singleReplica: true }\nsecurity: { tlsTerminatedByMesh: true }", "", "")
          .replace("environment: dev", "environment: prod");
      Gateway prodGateway = prod.start(SecurityFixture.parse(yaml));
      Reply devKey = prod.get(prodGateway.port(), "/v1/usage", ALPHA_KEY);
      Reply unknown = prod.get(prodGateway.port(), "/v1/usage", "igk_prod_unknownKey0123456789abcdefghijklmnop");
      assertEquals(401, devKey.status());
      assertEquals(unknown.json().getString("error"), devKey.json().getString("error"), "same message");
    }
  }

  @Test
  void anExpiredKeyIsRefused() {
    try (SecurityFixture other = new SecurityFixture()) {
      String yaml = other.yaml("", "", "").replace("createdAt: \"2026-01-01T00:00:00Z\"",
          "createdAt: \"2020-01-01T00:00:00Z\", expiresAt: \"2021-01-01\"");
      Gateway g = other.start(SecurityFixture.parse(yaml));
      assertEquals(401, other.get(g.port(), "/v1/usage", ALPHA_KEY).status());
      assertEquals(200, other.get(g.port(), "/v1/usage", BETA_KEY).status());
    }
  }

  /** Fuzz-ish, over HTTP: random bytes and mangled JSON/multipart on every route; statuses stay in the table. */
  @Test
  void randomBodiesNeverGetA500OrAStatusOutsideTheTable() {
    Set<Integer> allowed = EnumSet.allOf(ErrorCode.class).stream().map(ErrorCode::status).collect(Collectors.toSet());
    allowed.add(200);
    Random random = new Random(20260601L);
    String[] types = {"application/json", "multipart/form-data; boundary=b", "multipart/form-data", "text/plain",
        "application/json; charset=utf-16", ""};
    String[] paths = {"/generate", "/edit", "/remix", "/upscale", "/describe", "/reframe", "/v1/ideogram-v3/generate",
        "/v1/ideogram-v3/edit", "/v1/ideogram-v3/remix", "/v1/ideogram-v4/generate", "/v1/ideogram-v3/reframe"};
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      byte[] bytes = mangled(random);
      replies.add(fixture.send(HttpMethod.POST, gateway.port(), paths[random.nextInt(paths.length)],
          Map.of("Api-Key", ALPHA_KEY, "Content-Type", types[random.nextInt(types.length)]), Buffer.buffer(bytes)));
    }
    await(Future.join(replies));
    for (Future<Reply> reply : replies) {
      assertTrue(reply.succeeded(), String.valueOf(reply.cause()));
      int status = reply.result().status();
      assertTrue(status != 500 && allowed.contains(status), reply.result().toString());
      assertTrue(status != 502 || !"upstream_error".equals(reply.result().code())
          || !reply.result().json().getString("error").contains("could not complete"), "a bug: " + reply.result());
    }
  }

  private static byte[] mangled(Random random) {
    String[] seeds = {
        "{\"image_request\":{\"prompt\":\"a cat\",\"model\":\"V_2\",\"num_images\":1}}",
        "{\"prompt\":\"a cat\",\"rendering_speed\":\"TURBO\",\"num_images\":2}",
        "--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na cat\r\n--b\r\nContent-Disposition: form-data;"
            + " name=\"image_request\"\r\n\r\n{\"prompt\":\"x\"}\r\n--b--\r\n",
        "{\"image_request\":{\"prompt\":null,\"num_images\":1e400,\"seed\":-1}}"};
    byte[] bytes = seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8);
    int mutations = random.nextInt(8);
    for (int m = 0; m < mutations && bytes.length > 0; m++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(3)) {
        case 0 -> bytes[at] = (byte) random.nextInt(256);
        case 1 -> bytes = java.util.Arrays.copyOf(bytes, at);
        default -> {
          byte[] grown = java.util.Arrays.copyOf(bytes, bytes.length + 8);
          random.nextBytes(java.util.Arrays.copyOfRange(grown, bytes.length, grown.length));
          bytes = grown;
        }
      }
    }
    return bytes;
  }

  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
