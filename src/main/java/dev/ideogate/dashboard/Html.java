package dev.ideogate.dashboard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The dashboard's text rules: every value from config, Redis or a request goes through {@link #esc} before it
 * reaches a page; money is dollars and cents ({@code $12.35}); times are in the budgets time zone. Pure.
 */
final class Html {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

  private Html() {}

  /** Escapes text for an element's content or a quoted attribute value. Null is the empty string. */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Micro-USD as dollars rounded half-up to the cent: 12,345,000 → "$12.35", 0 → "$0.00". */
  static String usd(long microUsd) {
    BigDecimal dollars = BigDecimal.valueOf(microUsd, 6).setScale(2, RoundingMode.HALF_UP);
    return dollars.signum() < 0 ? "-$" + dollars.negate().toPlainString() : "$" + dollars.toPlainString();
  }

  /** A moment in the given zone, to the minute with the zone's name; "never" for null. */
  static String time(Instant instant, ZoneId zone) {
    return instant == null ? "never" : TIME.format(instant.atZone(zone));
  }

  /** Percent of {@code part} in {@code whole}, whole number, capped at 999; 0 when whole is 0 and part is 0. */
  static int percent(long part, long whole) {
    if (whole <= 0) {
      return part > 0 ? 100 : 0;
    }
    return (int) Math.min(999, Math.round(part * 100.0 / whole));
  }
}
