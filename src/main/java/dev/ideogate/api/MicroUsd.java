package dev.ideogate.api;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money is a long of micro-USD (1 USD = 1,000,000). These are its only conversions to and from text. */
public final class MicroUsd {
  public static final long PER_USD = 1_000_000L;

  private MicroUsd() {}

  /**
   * Parses an exact decimal ("6.85" → 6,850,000); never through a binary float. Rejects negatives and more
   * than six decimals.
   */
  public static long parse(String usd) {
    BigDecimal value;
    try {
      value = new BigDecimal(usd.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a decimal USD amount: '" + usd + "'");
    }
    if (value.signum() < 0) {
      throw new IllegalArgumentException("USD amount must be ≥ 0, got " + usd);
    }
    try {
      return value.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("USD amount has more than 6 decimals or is too large: " + usd);
    }
  }

  /** Exact decimal text without trailing zeros beyond cents: 50,000 → "0.05", 19,950,000 → "19.95", 0 → "0.00". */
  public static String format(long microUsd) {
    // Long arithmetic, not BigDecimal: three of these are written on every answer and audit line. The sign is taken
    // off the quotient and the remainder, never off microUsd itself, which Long.MIN_VALUE has no positive for.
    long whole = Math.abs(microUsd / PER_USD);
    int fraction = (int) Math.abs(microUsd % PER_USD);
    int digits = 6;
    while (digits > 2 && fraction % 10 == 0) {
      fraction /= 10;
      digits--;
    }
    StringBuilder text = new StringBuilder(24);
    if (microUsd < 0) {
      text.append('-');
    }
    text.append(whole).append('.');
    String fractionText = Integer.toString(fraction);
    for (int pad = digits - fractionText.length(); pad > 0; pad--) {
      text.append('0');
    }
    return text.append(fractionText).toString();
  }
}
