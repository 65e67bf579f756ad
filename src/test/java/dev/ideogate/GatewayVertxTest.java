package dev.ideogate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.testing.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/** The Vertx of {@code ideogate serve} (and of the benchmark's gateways) runs on Netty's native epoll transport. */
class GatewayVertxTest {
  @Test
  void theGatewaysVertxRunsOnTheNativeEpollTransportOnLinux() {
    Vertx vertx = Vertx.vertx(Gateway.vertxOptions());
    try {
      assertTrue(vertx.isNativeTransportEnabled(),
          "epoll did not load (the linux-x86_64 netty-transport-native-epoll jar): "
              + vertx.unavailableNativeTransportCause());
    } finally {
      Await.await(vertx.close());
    }
  }
}
