package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PiiDetectorTest {

  private static Optional<String> category(String text) {
    return PiiDetector.firstCategory(text);
  }

  @Test
  void findsEmailAddresses() {
    assertEquals(Optional.of("email"), category("send it to jane.doe+art@example.co.uk please"));
    assertEquals("send it to [email] please", PiiDetector.mask("send it to jane.doe+art@example.co.uk please"));
    assertEquals("[email].", PiiDetector.mask("bob@example.com."));
    assertEquals(Optional.empty(), category("an @ sign and user@localhost"));
  }

  @Test
  void findsInternationalPhoneNumbers() {
    assertEquals("call [phone] now", PiiDetector.mask("call +1 (415) 555-2671 now"));
    assertEquals("[phone]", PiiDetector.mask("+44 20 7946 0958"));
    assertEquals("[phone]", PiiDetector.mask("+4915123456789"));
    assertEquals("[phone]", PiiDetector.mask("+33 1 23 45 67 89"));
  }

  @Test
  void findsNationalPhoneNumbers() {
    assertEquals("ring [phone]", PiiDetector.mask("ring (415) 555-2671"));
    assertEquals("ring [phone]", PiiDetector.mask("ring 415.555.2671"));
    assertEquals("ring [phone]", PiiDetector.mask("ring 030 1234 5678"));
    assertEquals("ring [phone]", PiiDetector.mask("ring 01 23 45 67 89"));
    assertEquals("ring [phone]", PiiDetector.mask("ring 4155552671"));
  }

  @Test
  void leavesYearsDatesSizesAndShortNumbersAlone() {
    for (String text : new String[] {"a poster from 1999", "born 2024-01-15", "1024x1024 pixels",
        "8 cats and 12 dogs", "call 555-2671", "+49 123", "the 1990 2000 2010 decades", "pi is 3.14159",
        "order 12345678"}) {
      assertEquals(Optional.empty(), category(text), text);
      assertEquals(text, PiiDetector.mask(text));
    }
  }

  @Test
  void checksCardNumbersWithLuhn() {
    assertTrue(PiiDetector.luhnValid("4111111111111111"));
    assertTrue(PiiDetector.luhnValid("4539 1488 0343 6467"));
    assertTrue(PiiDetector.luhnValid("378282246310005"));
    assertTrue(PiiDetector.luhnValid("6011-1111-1111-1117"));
    assertFalse(PiiDetector.luhnValid("4111111111111112"));
    assertFalse(PiiDetector.luhnValid("378282246310006"));
    assertFalse(PiiDetector.luhnValid(""));
  }

  @Test
  void findsLuhnValidCardNumbersWithSpacesOrDashes() {
    assertEquals(Optional.of("card"), category("card 4111 1111 1111 1111 exp 12/29"));
    assertEquals("card [card] exp 12/29", PiiDetector.mask("card 4111 1111 1111 1111 exp 12/29"));
    assertEquals("[card]", PiiDetector.mask("4539-1488-0343-6467"));
    assertEquals("amex [card]", PiiDetector.mask("amex 378282246310005"));
    assertEquals("16 digits [card]", PiiDetector.mask("16 digits 6011000990139424"));
    assertEquals("19 digits [card]", PiiDetector.mask("19 digits 6221 2600 0000 0000 001"));
  }

  @Test
  void ignoresLuhnInvalidCardLengthNumbers() {
    assertEquals(Optional.empty(), category("ref 4111 1111 1111 1112"));
    assertEquals(Optional.empty(), category("id 1234567890123456"));
  }

  @Test
  void reportsTheLeftmostCategoryAndMasksEveryFinding() {
    String text = "mail a@b.io, call +1 415 555 2671, pay 4111-1111-1111-1111";
    assertEquals(Optional.of("email"), category(text));
    assertEquals(Optional.of("phone"), category("call +1 415 555 2671 or a@b.io"));
    assertEquals("mail [email], call [phone], pay [card]", PiiDetector.mask(text));
  }

  @Test
  void findsNothingInAnOrdinaryPrompt() {
    assertEquals(Optional.empty(), category("A watercolor fox in a misty forest, 16x9, 4k"));
    assertEquals("", PiiDetector.mask(""));
  }

  @Test
  void maskingLeavesNoPersonalDataEvenWhenManyNumbersAreGluedTogether() {
    String glued = "0123456789+44 20 7946 0958".repeat(40) + "+27767764335+2776767776";
    String masked = PiiDetector.mask(glued);
    assertTrue(PiiDetector.firstCategory(masked).isEmpty(), masked);
  }
}
