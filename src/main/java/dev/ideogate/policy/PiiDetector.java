package dev.ideogate.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in a prompt (a team's {@code pii} setting: block | redact-logs | allow): e-mail
 * addresses, phone numbers and payment card numbers. Stateless and thread-safe.
 *
 * <ul>
 *   <li>email: {@code local@domain.tld}.
 *   <li>card: 13–19 digits, optionally grouped by single spaces or dashes, that pass the Luhn check (ISO/IEC
 *       7812-1); the check keeps most long numbers that are not cards out.
 *   <li>phone: {@code +} country code and 9–15 digits in all (E.164 allows 15), or a national form of 9–12
 *       digits, optionally grouped by spaces, dots, dashes or a parenthesised area code. Fewer than 9 digits is
 *       never a phone, so years, dates ({@code 2024-01-15}), sizes ({@code 1024x1024}) and short counts are not
 *       matched; a row of four-digit years ({@code 1990 2000 2010}) is not one either. A bare run of 9–12
 *       digits is treated as a phone: leaking one is worse than masking an order number.
 * </ul>
 * Overlaps are resolved email first, then card, then phone.
 */
public final class PiiDetector {
  public static final String EMAIL = "email";
  public static final String PHONE = "phone";
  public static final String CARD = "card";

  private static final Pattern EMAIL_PATTERN = Pattern.compile(
      "(?<![\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}(?![\\w-])");
  private static final Pattern CARD_PATTERN = Pattern.compile("(?<![\\d+])\\d(?:[ -]?\\d){12,18}(?!\\d)");
  private static final Pattern INTERNATIONAL_PHONE = Pattern.compile(
      "(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,4}\\)?){2,6}(?!\\d)");
  private static final Pattern NATIONAL_PHONE = Pattern.compile(
      "(?<![\\w+])\\(?\\d{2,5}\\)?[ .-]?\\d{2,4}(?:[ .-]?\\d{2,5}){0,3}(?![\\w])");
  private static final Pattern YEAR_ROW = Pattern.compile("(?:[12]\\d{3}[ .-]?)+");

  private PiiDetector() {}

  /** The category of the first (leftmost) finding: "email", "phone" or "card". */
  public static Optional<String> firstCategory(String text) {
    List<Finding> findings = find(text);
    return findings.isEmpty() ? Optional.empty() : Optional.of(findings.get(0).category);
  }

  /**
   * {@code text} with every finding replaced by {@code [email]}, {@code [phone]} or {@code [card]}. Repeated until
   * nothing is found: a number glued to another ({@code 0123456789+44 20 7946 0958}) is only seen once its
   * neighbour is masked (found by fuzzing). Each pass replaces at least one finding by a shorter placeholder run, so
   * the loop ends; the bound is a guard.
   */
  public static String mask(String text) {
    String masked = maskOnce(text);
    for (int pass = 0; pass < 16 && !masked.equals(text); pass++) {
      text = masked;
      masked = maskOnce(text);
    }
    if (!find(masked).isEmpty()) {
      // Numbers glued to numbers only show one by one; past a few passes, mask every long digit run at once
      // (a false positive in a log is harmless, a leak is not).
      masked = LONG_DIGIT_RUN.matcher(masked).replaceAll("[number]");
    }
    return masked;
  }

  private static final java.util.regex.Pattern LONG_DIGIT_RUN =
      java.util.regex.Pattern.compile("\\+?\\d(?:[\\s().-]*\\d){6,}");

  private static String maskOnce(String text) {
    List<Finding> findings = find(text);
    if (findings.isEmpty()) {
      return text;
    }
    StringBuilder masked = new StringBuilder(text.length());
    int at = 0;
    for (Finding finding : findings) {
      masked.append(text, at, finding.start).append('[').append(finding.category).append(']');
      at = finding.end;
    }
    return masked.append(text, at, text.length()).toString();
  }

  /** Luhn (mod 10) check over the digits of {@code number}; other characters are ignored. */
  static boolean luhnValid(String number) {
    int sum = 0;
    boolean doubled = false;
    int digits = 0;
    for (int i = number.length() - 1; i >= 0; i--) {
      char c = number.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (doubled) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
      doubled = !doubled;
      digits++;
    }
    return digits > 0 && sum % 10 == 0;
  }

  private static List<Finding> find(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    List<Finding> findings = new ArrayList<>();
    collect(text, EMAIL_PATTERN, EMAIL, findings, match -> true);
    collect(text, CARD_PATTERN, CARD, findings, PiiDetector::luhnValid);
    collect(text, INTERNATIONAL_PHONE, PHONE, findings, match -> between(digits(match), 9, 15));
    collect(text, NATIONAL_PHONE, PHONE, findings,
        match -> between(digits(match), 9, 12) && !YEAR_ROW.matcher(match).matches());
    findings.sort(Comparator.comparingInt(f -> f.start));
    return findings;
  }

  private static void collect(String text, Pattern pattern, String category, List<Finding> findings,
      Predicate<String> accept) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      Finding candidate = new Finding(category, m.start(), m.end());
      if (accept.test(m.group()) && findings.stream().noneMatch(candidate::overlaps)) {
        findings.add(candidate);
      }
    }
  }

  private static int digits(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        n++;
      }
    }
    return n;
  }

  private static boolean between(int value, int min, int max) {
    return value >= min && value <= max;
  }

  private record Finding(String category, int start, int end) {
    boolean overlaps(Finding other) {
      return start < other.end && other.start < end;
    }
  }
}
