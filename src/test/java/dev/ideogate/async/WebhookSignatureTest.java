package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final String SECRET = "whsec-0123456789abcdef";
  private static final String ID = "dlv_gen_1";
  private static final byte[] BODY = "{\"generation_id\":\"gen_1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsTimestampDotDeliveryIdDotBodyWithHmacSha256InHex() {
    // echo -n '1700000000.dlv_gen_1.{"generation_id":"gen_1"}' | openssl dgst -sha256 -hmac whsec-0123456789abcdef
    assertEquals("t=1700000000,v1=c41357211c41a31ed32bce28095509da5babeb2116ea5bb460cb27b31b2d191d",
        WebhookSignature.header(SECRET, 1_700_000_000L, ID, BODY));
  }

  /** Before the id was signed, a captured delivery verified again under any fresh Ideogate-Delivery-Id. */
  @Test
  void aCapturedDeliveryDoesNotVerifyUnderAnotherDeliveryId() {
    String header = WebhookSignature.header(SECRET, 1_000, ID, BODY);
    assertTrue(WebhookSignature.verify(SECRET, header, ID, BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, header, "dlv_gen_2", BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, header, null, BODY, 1_000, 300));
  }

  @Test
  void verifiesItsOwnSignatureWithinTheReplayWindow() {
    String header = WebhookSignature.header(SECRET, 1_000, ID, BODY);
    assertTrue(WebhookSignature.verify(SECRET, header, ID, BODY, 1_300, 300));
    assertFalse(WebhookSignature.verify(SECRET, header, ID, BODY, 1_301, 300), "stale");
    assertFalse(WebhookSignature.verify(SECRET, header, ID, BODY, 699, 300), "from the future");
  }

  @Test
  void refusesAnotherSecretAnotherBodyAndMalformedHeaders() {
    String header = WebhookSignature.header(SECRET, 1_000, ID, BODY);
    assertFalse(WebhookSignature.verify("other-secret-0123456789", header, ID, BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, header, ID, "{}".getBytes(StandardCharsets.UTF_8), 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, "v1=abc", ID, BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, "t=x,v1=abc", ID, BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify(SECRET, null, ID, BODY, 1_000, 300));
    assertFalse(WebhookSignature.verify("", header, ID, BODY, 1_000, 300));
  }

  @Test
  void acceptsAnyOfSeveralV1EntriesDuringASecretRotation() {
    String good = WebhookSignature.header(SECRET, 1_000, ID, BODY);
    assertTrue(WebhookSignature.verify(SECRET, "t=1000,v1=" + "0".repeat(64) + "," + good.substring(7), ID, BODY, 1_000,
        300));
  }
}
