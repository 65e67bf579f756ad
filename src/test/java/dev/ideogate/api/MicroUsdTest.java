package dev.ideogate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MicroUsdTest {
  @Test
  void formatsExactDecimalsKeepingCentsAndDroppingOtherTrailingZeros() {
    assertEquals("0.00", MicroUsd.format(0));
    assertEquals("0.05", MicroUsd.format(50_000));
    assertEquals("19.95", MicroUsd.format(19_950_000));
    assertEquals("1.20", MicroUsd.format(1_200_000));
    assertEquals("1.234567", MicroUsd.format(1_234_567));
    assertEquals("0.000001", MicroUsd.format(1));
    assertEquals("0.00001", MicroUsd.format(10));
    assertEquals("-0.05", MicroUsd.format(-50_000));
    assertEquals("9223372036854.775807", MicroUsd.format(Long.MAX_VALUE));
    assertEquals("-9223372036854.775808", MicroUsd.format(Long.MIN_VALUE));
  }

  @Test
  void formatAgreesWithTheDecimalDefinitionAndParsesBack() {
    SplittableRandom random = new SplittableRandom(14);
    for (int i = 0; i < 100_000; i++) {
      long value = switch (i % 3) {
        case 0 -> random.nextLong(0, 10_000_000L); // everyday amounts
        case 1 -> random.nextLong(0, 1_000L) * 10_000L; // whole cents
        default -> random.nextLong(); // anything, negatives included
      };
      BigDecimal decimal = BigDecimal.valueOf(value, 6).stripTrailingZeros();
      String expected = (decimal.scale() < 2 ? decimal.setScale(2) : decimal).toPlainString();
      assertEquals(expected, MicroUsd.format(value), "format(" + value + ")");
      if (value >= 0) {
        assertEquals(value, MicroUsd.parse(MicroUsd.format(value)));
      }
    }
  }
}
