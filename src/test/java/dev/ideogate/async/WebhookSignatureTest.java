package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final String SECRET = "whsec-0123456789abcdef";
  private static final byte[] BODY = "{\"generation_id\":\"gen_1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsTheTimestampDotBodyWithHmacSha256InHex() {
    // echo -n '1700000000.{"generation_id":"gen_1"}' | openssl dgst -sha256 -hmac whsec-0123456789abcdef
    assertEquals("t=1700000000,v1=90758191484a7572c1a12686de2a5b959018f5bba0ca45ac9f34fe021f8bd9b9",
        WebhookSignature.header(SECRET, 1_700_000_000L, BODY));
  }

  @Test
  void verifiesItsOwnSignatureWithinTheReplayWindow() {
    String header = WebhookSignature.header(SECRET, 1_000, BODY);
    assertTrue(WebhookSignature.verify(SECRET, header, BODY, 1_300, 300));
    assertFalse(WebhookSignature.verify(SECRET, header, BODY, 1_301, 300), "stale");
    assertFalse(WebhookSignature.verify(SECRET, header, BODY, 699, 300), "from the future");
  }

  @Test
  void refusesAnotherSecretAnotherBodyAndMalformedHeaders() {
    String header = WebhookSignature.header(SECRET, 1_000, BODY);
    assertFalse(WebhookSignature.verify("other-secret-0123456789", header, BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, header, "{}".getBytes(StandardCharsets.UTF_8), 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, "v1=abc", BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, "t=x,v1=abc", BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, null, BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify("", header, BODY, 1_000, 300));
  }

  @Test
  void acceptsAnyOfSeveralV1EntriesDuringASecretRotation() {
    String good = WebhookSignature.header(SECRET, 1_000, BODY);
    assertTrue(WebhookSignature.verify(SECRET, "t=1000,v1=" + "0".repeat(64) + "," + good.substring(7), BODY, 1_000,
        300));
  }
}
