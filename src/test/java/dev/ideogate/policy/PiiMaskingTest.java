package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.api.Test;

/** Masking leaves nothing the detector still finds (a property the fuzzer checks; these are its findings). */
class PiiMaskingTest {

  @Test
  void masksAnInternationalNumberGluedToANationalOne() {
    assertEquals("[phone][phone]", PiiDetector.mask("444444444444+44444444444444"));
    String masked = PiiDetector.mask("call 0123456789+44 20 7946 0958 today");
    assertTrue(!masked.contains("7946") && !masked.contains("0123456789"), masked);
  }

  @Test
  void maskedTextHasNoFindingLeft() {
    for (String text : new String[] {"a@b.io+44 20 7946 0958", "4111 1111 1111 1111+1 415 555 0100 x@y.org",
        "jane.doe@example.org, +44 20 7946 0958, 4111-1111-1111-1111"}) {
      assertTrue(PiiDetector.firstCategory(PiiDetector.mask(text)).isEmpty(), PiiDetector.mask(text));
    }
  }
}
