package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.SecurityFixture.ALPHA_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.SecurityFixture.Reply;
import dev.ideogate.testing.SecurityFixture;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request-rate limits through real HTTP: one replica in memory, three replicas on one Redis. */
class RateLimitGatewayTest {
  private final SecurityFixture fixture = new SecurityFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aKeyAtSixtyPerMinuteBurstTenGetsExactlyTenThen429WithTruthfulHeaders() {
    Gateway gateway = fixture.start(SecurityFixture.parse(fixture.yaml("", "", "rateLimit: { perMinute: 60, burst: 10 }")));
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      replies.add(await(fixture.generate(gateway.port(), ALPHA_KEY, "a lighthouse at dusk")));
    }

    for (int i = 0; i < 10; i++) {
      Reply ok = replies.get(i);
      assertEquals(200, ok.status(), ok.toString());
      assertEquals("10", ok.header("RateLimit-Limit"));
      assertEquals(Integer.toString(9 - i), ok.header("RateLimit-Remaining"));
      assertEquals("60;w=60;burst=10", ok.header("RateLimit-Policy"));
    }
    Reply refused = replies.get(10);
    assertEquals(429, refused.status(), refused.toString());
    assertEquals("rate_limited", refused.code());
    assertEquals("0", refused.header("RateLimit-Remaining"));
    assertEquals("10", refused.header("RateLimit-Limit"));
    // one request per second comes back: the next is due within 1 s, the bucket is full again within 10 s
    assertEquals("1", refused.header("Retry-After"));
    assertEquals(1L, refused.json().getLong("retry_after_s"));
    int reset = Integer.parseInt(refused.header("RateLimit-Reset"));
    assertTrue(reset >= 9 && reset <= 10, "reset " + reset);

    // refused requests reserved nothing and never reached Ideogram
    assertEquals(10, fixture.simulator.stats(KeyFingerprint.of("sim-key-alpha-0123456789")).requests());
    var usage = await(gateway.ledger().usage(new TeamBudget("alpha", 100_000_000L, OptionalLong.empty()),
        BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
    assertEquals(0, usage.heldMicroUsd());
  }

  @Test
  void theKeyLimitAppliesToEachKeyOnItsOwn() {
    String yaml = fixture.yaml("security: { keyRateLimit: { perMinute: 6, burst: 2 } }", "", "");
    Gateway gateway = fixture.start(SecurityFixture.parse(yaml));
    List<Integer> alpha = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      alpha.add(await(fixture.generate(gateway.port(), ALPHA_KEY, "a red kite")).status());
    }
    int beta = await(fixture.generate(gateway.port(), SecurityFixture.BETA_KEY, "a blue kite")).status();
    assertEquals(List.of(200, 200, 429), alpha);
    assertEquals(200, beta, "another key has its own bucket");
  }

  @Test
  void threeReplicasOnOneRedisAdmitTogetherExactlyTheBurst() {
    try (RedisServer redis = RedisServer.start()) {
      String yaml = fixture.yaml("redis: { url: \"" + redis.url() + "\", keyPrefix: rl" + System.nanoTime() + " }", "",
          "rateLimit: { perMinute: 6, burst: 10 }");
      List<Gateway> replicas = List.of(fixture.start(SecurityFixture.parse(yaml)),
          fixture.start(SecurityFixture.parse(yaml)), fixture.start(SecurityFixture.parse(yaml)));
      List<Future<Reply>> sent = new ArrayList<>();
      for (int i = 0; i < 45; i++) {
        sent.add(fixture.generate(replicas.get(i % 3).port(), ALPHA_KEY, "a harbour in fog"));
      }
      await(Future.join(sent));
      long admitted = sent.stream().filter(f -> f.result().status() == 200).count();
      long limited = sent.stream().filter(f -> f.result().status() == 429 && "rate_limited".equals(f.result().code()))
          .count();
      // 6 per minute: no request comes back during the test's few seconds, so the burst is the whole allowance.
      assertEquals(10, admitted);
      assertEquals(35, limited);
      assertEquals(10, fixture.simulator.stats(KeyFingerprint.of("sim-key-alpha-0123456789")).requests());
    }
  }

  /**
   * On Redis the check runs in the reserve script (ARCHITECTURE.md §2 step 10) with the same headers, and a request
   * the last tats this replica saw already refuse is answered before its body is read.
   */
  @Test
  void onRedisTheReserveChecksTheRateWithTheSameHeadersAndAKnownRefusalNeedsNoBody() throws IOException {
    try (RedisServer redis = RedisServer.start()) {
      String yaml = fixture.yaml("redis: { url: \"" + redis.url() + "\", keyPrefix: rr" + System.nanoTime() + " }",
          "requestReadTimeout: 20s", "rateLimit: { perMinute: 6, burst: 2 }");
      Gateway gateway = fixture.start(SecurityFixture.parse(yaml));
      List<Reply> replies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        replies.add(await(fixture.generate(gateway.port(), ALPHA_KEY, "a lantern on a pier")));
      }
      for (int i = 0; i < 2; i++) {
        Reply ok = replies.get(i);
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("2", ok.header("RateLimit-Limit"));
        assertEquals(Integer.toString(1 - i), ok.header("RateLimit-Remaining"));
        assertEquals("6;w=60;burst=2", ok.header("RateLimit-Policy"));
      }
      Reply refused = replies.get(2);
      assertEquals(429, refused.status(), refused.toString());
      assertEquals("rate_limited", refused.code());
      assertEquals("0", refused.header("RateLimit-Remaining"));
      int retryAfter = Integer.parseInt(refused.header("Retry-After"));
      assertTrue(retryAfter >= 9 && retryAfter <= 10, "one request every 10 s: " + retryAfter);

      // Declares a body and never sends it: only a refusal before the body answers (else 408 after 20 s).
      try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nApi-Key: " + ALPHA_KEY
            + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] head = new byte[4096];
        int read = socket.getInputStream().read(head);
        String answer = new String(head, 0, Math.max(0, read), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
        assertTrue(answer.contains("rate_limited") || answer.toLowerCase().contains("ratelimit-remaining: 0"), answer);
      }
      assertEquals(2, fixture.simulator.stats(KeyFingerprint.of("sim-key-alpha-0123456789")).requests());
      var usage = await(gateway.ledger().usage(new TeamBudget("alpha", 100_000_000L, OptionalLong.empty()),
          BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
      assertEquals(0, usage.heldMicroUsd());
    }
  }

  @Test
  void redisDownAnswers503BudgetStoreUnavailable() {
    RedisServer redis = RedisServer.startOwned();
    try {
      String yaml = fixture.yaml("redis: { url: \"" + redis.url() + "\", commandTimeout: 300ms }", "",
          "rateLimit: { perMinute: 60, burst: 10 }");
      Gateway gateway = fixture.start(SecurityFixture.parse(yaml));
      assertEquals(200, await(fixture.generate(gateway.port(), ALPHA_KEY, "a quiet bay")).status());
      redis.stop();
      Reply reply = await(fixture.generate(gateway.port(), ALPHA_KEY, "a quiet bay"));
      assertEquals(503, reply.status(), reply.toString());
      assertEquals("budget_store_unavailable", reply.code());
      assertTrue(reply.header("Retry-After") != null);
    } finally {
      redis.close();
    }
  }
}
