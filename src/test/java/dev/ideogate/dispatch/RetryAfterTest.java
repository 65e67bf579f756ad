package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("1994-11-06T08:49:30Z");

  private static OptionalLong parse(String header) {
    return RetryAfter.parseMs(header, NOW);
  }

  @Test
  void readsDeltaSeconds() {
    assertEquals(OptionalLong.of(0), parse("0"));
    assertEquals(OptionalLong.of(5_000), parse("5"));
    assertEquals(OptionalLong.of(120_000), parse(" 120 "));
  }

  @Test
  void readsAnImfFixdateRelativeToNow() {
    assertEquals(OptionalLong.of(7_000), parse("Sun, 06 Nov 1994 08:49:37 GMT"));
    assertEquals(OptionalLong.of(0), parse("Sun, 06 Nov 1994 08:49:30 GMT"));
  }

  @Test
  void capsLongWaitsAtOneHour() {
    assertEquals(OptionalLong.of(3_600_000), parse("3600"));
    assertEquals(OptionalLong.of(3_600_000), parse("86400"));
    assertEquals(OptionalLong.of(3_600_000), parse("99999999999999999999999"));
    assertEquals(OptionalLong.of(3_600_000), parse("Mon, 07 Nov 1994 08:49:37 GMT"));
  }

  @Test
  void ignoresNegativeFractionalPastOrGarbageValues() {
    for (String header : new String[] {null, "", "  ", "-5", "1.5", "+3", "soon", "5s", "0x10",
        "Sun, 06 Nov 1994 08:49:29 GMT", "Sun, 06 Nov 1994 08:49:37 +0100", "1994-11-06T08:49:37Z",
        "Sun, 32 Nov 1994 08:49:37 GMT"}) {
      assertEquals(OptionalLong.empty(), parse(header), String.valueOf(header));
    }
  }
}
