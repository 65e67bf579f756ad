package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookUrlPolicyTest {

  @ParameterizedTest(name = "prod refuses {0}")
  @ValueSource(strings = {
      "http://hooks.example.com/x", "https://127.0.0.1/x", "https://localhost/x", "https://localhost./x",
      "https://10.0.0.1/x", "https://172.16.5.4/x", "https://192.168.1.1/x", "https://169.254.169.254/latest",
      "https://100.64.0.1/x", "https://0.0.0.0/x", "https://198.18.0.1/", "https://198.19.255.1/",
      "https://224.0.0.1/", "https://255.255.255.255/", "https://192.0.0.8/",
      "https://2130706433/x", "https://0x7f000001/x", "https://127.1/", "https://017.0.0.1/", "https://0177.0.0.1/",
      "https://[::1]/x", "https://[0::1]/", "https://[0:0:0:0:0:0:0:1]/", "https://[::]/", "https://[0:0:0:0:0:0:0:0]/",
      "https://[::ffff:a9fe:a9fe]/", "https://[::ffff:169.254.169.254]/", "https://[::ffff:10.0.0.1]/x",
      "https://[0:0:0:0:0:ffff:127.0.0.1]/", "https://[::127.0.0.1]/", "https://[::a9fe:a9fe]/",
      "https://[64:ff9b::a9fe:a9fe]/", "https://[64:ff9b::169.254.169.254]/", "https://[64:ff9b:1::1]/",
      "https://[fc00::1]/", "https://[fd00::1]/x", "https://[FD12:3456::1]/", "https://[fe80::1]/x",
      "https://[fec0::1]/", "https://[feff::1]/", "https://[ff02::1]/", "https://[fe80::1%25eth0]/",
      "https://[2002:7f00:1::]/", "https://[2001::1]/", "https://[2001:db8::1]/",
      "https://intranet/x", "https://svc.internal/x", "https://printer.local/x", "https://a.localhost/",
      "https://user:pw@hooks.example.com/x", "ftp://a.b/x", "not a url"})
  void prodRefusesEveryInternalSpelling(String url) {
    assertTrue(WebhookUrlPolicy.refusal(url, "prod").isPresent(), url);
  }

  @ParameterizedTest(name = "prod accepts {0}")
  @ValueSource(strings = {"https://hooks.example.com/ideogate", "https://93.184.216.34/x", "https://1.1.1.1:8443/",
      "https://[2606:4700:4700::1111]/", "https://[2002:5db8:d822::1]/", "https://hooks.example.com./x"})
  void prodAcceptsHttpsToPublicHosts(String url) {
    assertEquals(Optional.empty(), WebhookUrlPolicy.refusal(url, "prod"));
  }

  @Test
  void stagingIsAsStrictAsProdAndDevAllowsLoopbackHttp() {
    assertTrue(WebhookUrlPolicy.refusal("http://127.0.0.1:8080/hook", "staging").isPresent());
    assertEquals(Optional.empty(), WebhookUrlPolicy.refusal("http://127.0.0.1:8080/hook", "dev"));
    assertEquals(Optional.empty(), WebhookUrlPolicy.refusal("http://localhost:8080/hook", "demo"));
    assertTrue(WebhookUrlPolicy.refusal("file:///etc/passwd", "dev").isPresent());
  }

  /**
   * The check that counts is at connect time: a public-looking name whose DNS answer is 127.0.0.1 (here the real
   * resolution of {@code localhost}) never reaches the loopback receiver in prod; the same sender in dev does, so
   * the receiver is there to be reached.
   */
  @Test
  void aNameResolvingToLoopbackIsRefusedWhereItConnects() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AtomicInteger received = new AtomicInteger();
      HttpServer receiver = await(vertx.createHttpServer()
          .requestHandler(request -> {
            received.incrementAndGet();
            request.response().end();
          })
          .listen(0, "127.0.0.1"));
      int port = receiver.actualPort();
      InetAddress[] loopback = InetAddress.getAllByName("localhost");
      assertTrue(loopback[0].isLoopbackAddress(), "localhost resolves to " + loopback[0]);
      String[] environment = {"prod"};
      WebhookSender sender = new WebhookSender(vertx, 2_000, () -> environment[0], host -> loopback);

      Future<Integer> refused = sender.post("https://hooks.example.com:" + port + "/hook",
          MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"), 2_000);
      Throwable cause = awaitFailure(refused);
      assertInstanceOf(WebhookSender.Refused.class, cause);
      assertTrue(cause.getMessage().contains("loopback"), cause.getMessage());
      assertEquals(0, received.get(), "nothing reached the loopback receiver");

      environment[0] = "dev";
      assertEquals(200, await(sender.post("http://localhost:" + port + "/hook", MultiMap.caseInsensitiveMultiMap(),
          Buffer.buffer("{}"), 2_000)));
      assertEquals(1, received.get());
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable awaitFailure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a refusal");
  }
}
