package dev.ideogate.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Test;

class AsyncImageHandlerTest {

  @Test
  void replacesTheClientsWebhookUrlByTheGatewaysCallbackAndKeepsOtherParameters() {
    assertEquals("a=1&webhook_url=https%3A%2F%2Fgw.example%2Fv1%2Fideogate%2Fcallbacks%2Fideogram",
        AsyncImageHandler.upstreamQuery("webhook_url=https%3A%2F%2Fclient.example%2Fhook&a=1",
            "https://gw.example/v1/ideogate/callbacks/ideogram"));
  }

  @Test
  void sendsNoWebhookUrlUpstreamWhenNoPublicBaseUrlIsConfigured() {
    assertEquals("", AsyncImageHandler.upstreamQuery("webhook_url=https%3A%2F%2Fclient.example%2Fhook", ""));
    assertEquals("", AsyncImageHandler.upstreamQuery(null, ""));
  }
}
