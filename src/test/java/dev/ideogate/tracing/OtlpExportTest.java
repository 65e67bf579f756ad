package dev.ideogate.tracing;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With {@code tracing.enabled}, spans leave the process over OTLP/HTTP to the configured collector (here a loopback
 * HTTP server standing in for the OpenTelemetry collector); stopping the gateway flushes what is buffered.
 */
class OtlpExportTest {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  /** One POST the collector received: path, content type and protobuf body. */
  private record Export(String path, String contentType, Buffer body) {}

  @Test
  void anEnabledGatewayExportsTheRequestsSpansToTheCollector() {
    Vertx collectorVertx = Vertx.vertx();
    List<Export> exports = new CopyOnWriteArrayList<>();
    HttpServer collector = await(collectorVertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          exports.add(new Export(request.path(), request.getHeader("Content-Type"), body));
          request.response().setStatusCode(200).putHeader("Content-Type", "application/x-protobuf").end();
        }))
        .listen(0, "127.0.0.1"));
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(TestConfig.upstream(harness.simulator.baseUrl())
          .team("exported", "contentPolicy: permissive")
          .top("tracing:\n  enabled: true\n  otlpEndpoint: \"http://127.0.0.1:" + collector.actualPort()
              + "/v1/traces\"\n  sampleRatio: 0")
          .build(), Gateway.Options.defaults());
      Map<String, String> headers = Map.of("Content-Type", "application/json",
          "Api-Key", TestConfig.clientKey("exported"), "traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01");
      Http.Reply reply = await(harness.http.send(HttpMethod.POST, gateway.port(), "/generate", headers,
          Buffer.buffer(Http.generate("a paper boat", "V_2_TURBO", 1))));
      assertEquals(200, reply.status(), reply::toString);
      await(gateway.stop()); // flushes the batch processor
    } finally {
      await(collector.close());
      await(collectorVertx.close());
    }

    assertTrue(!exports.isEmpty(), "the collector received no export");
    Export export = exports.get(0);
    assertEquals("/v1/traces", export.path());
    assertEquals("application/x-protobuf", export.contentType());
    byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
    assertTrue(contains(exports.stream().map(e -> e.body().getBytes()).toList(), traceId),
        "the caller's sampled trace is exported even at sampleRatio 0");
  }

  private static boolean contains(List<byte[]> bodies, byte[] needle) {
    for (byte[] body : bodies) {
      for (int i = 0; i + needle.length <= body.length; i++) {
        int j = 0;
        while (j < needle.length && body[i + j] == needle[j]) {
          j++;
        }
        if (j == needle.length) {
          return true;
        }
      }
    }
    return false;
  }
}
