package dev.ideogate.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): either delta-seconds ({@code 1*DIGIT}) or an
 * HTTP-date (IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}). Ideogram documents no Retry-After
 * (ideogram-api.md §5), so this honours one when present and otherwise lets {@link Backoff} decide.
 *
 * <p>Anything else (a negative or fractional number, garbage, a date already past, which with clock skew says
 * nothing) is empty, so the caller falls back to backoff. A value above {@link #MAX_MS} (1 h) is capped: a
 * queued request should fail with {@code upstream_rate_limited} rather than wait for hours.
 */
public final class RetryAfter {
  public static final long MAX_MS = Duration.ofHours(1).toMillis();
  private static final long MAX_S = MAX_MS / 1000;

  private RetryAfter() {}

  public static OptionalLong parseMs(String header, Instant now) {
    if (header == null) {
      return OptionalLong.empty();
    }
    String value = header.trim();
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // More than 10 digits is beyond any sane wait and might overflow a long: cap it.
      long seconds = value.length() > 10 ? MAX_S : Long.parseLong(value);
      return OptionalLong.of(Math.min(seconds, MAX_S) * 1000);
    }
    return httpDateMs(value, now);
  }

  private static OptionalLong httpDateMs(String value, Instant now) {
    Instant at;
    try {
      at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
    if (!value.endsWith(" GMT")) {
      return OptionalLong.empty(); // IMF-fixdate is always GMT; an offset means a different, non-HTTP format
    }
    long delayMs = Duration.between(now, at).toMillis();
    return delayMs < 0 ? OptionalLong.empty() : OptionalLong.of(Math.min(delayMs, MAX_MS));
  }
}
