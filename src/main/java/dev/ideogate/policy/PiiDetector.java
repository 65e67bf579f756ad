package dev.ideogate.policy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

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
 *
 * <p>Runs on the event loop over client text, so it must stay linear (ARCHITECTURE.md §11, "limits before work"): the patterns run on
 * RE2/J, which never backtracks; the lookarounds RE2 lacks are spelled as a consumed neighbour character around a
 * capturing group 1 (the finding), and the next search starts at that group's end. Text longer than
 * {@link #MAX_SCAN_CHARS} is refused, so a request costs at most one bounded scan per pattern.
 */
public final class PiiDetector {
  public static final String EMAIL = "email";
  public static final String PHONE = "phone";
  public static final String CARD = "card";
  /** The longest text scanned: a maximal prompt (10,000 code points) in UTF-16, each a surrogate pair. */
  public static final int MAX_SCAN_CHARS = 2 * TeamPolicy.MAX_PROMPT_CHARS;
  /** What {@link #mask} returns for text too long to scan: nothing of it is kept. */
  static final String UNSCANNED = "[unscanned]";

  private static final Pattern EMAIL_PATTERN = Pattern.compile(
      "(?:^|[^\\w.%+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})(?:$|[^\\w-])");
  private static final Pattern CARD_PATTERN = Pattern.compile("(?:^|[^\\d+])(\\d(?:[ -]?\\d){12,18})(?:$|\\D)");
  private static final Pattern INTERNATIONAL_PHONE = Pattern.compile(
      "(?:^|[^\\w+])(\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,4}\\)?){2,6})(?:$|\\D)");
  private static final Pattern NATIONAL_PHONE = Pattern.compile(
      "(?:^|[^\\w+])(\\(?\\d{2,5}\\)?[ .-]?\\d{2,4}(?:[ .-]?\\d{2,5}){0,3})(?:$|\\W)");
  private static final Pattern YEAR_ROW = Pattern.compile("(?:[12]\\d{3}[ .-]?)+");
  private static final Pattern LONG_DIGIT_RUN = Pattern.compile("\\+?\\d(?:[\\s().-]*\\d){6,}");

  private PiiDetector() {}

  /**
   * The category of the first (leftmost) finding: "email", "phone" or "card".
   *
   * @throws IllegalArgumentException when {@code text} is longer than {@link #MAX_SCAN_CHARS}: limits come first
   */
  public static Optional<String> firstCategory(String text) {
    List<Finding> findings = find(text);
    return findings.isEmpty() ? Optional.empty() : Optional.of(findings.get(0).category);
  }

  /**
   * {@code text} with every finding replaced by {@code [email]}, {@code [phone]} or {@code [card]}. Repeated until
   * nothing is found: a number glued to another ({@code 0123456789+44 20 7946 0958}) is only seen once its
   * neighbour is masked (found by fuzzing). Each pass replaces at least one finding by a shorter placeholder run, so
   * the loop ends; the bound is a guard. Text longer than {@link #MAX_SCAN_CHARS} becomes {@value #UNSCANNED}.
   */
  public static String mask(String text) {
    if (text != null && text.length() > MAX_SCAN_CHARS) {
      return UNSCANNED;
    }
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
    if (text.length() > MAX_SCAN_CHARS) {
      throw new IllegalArgumentException("text of " + text.length() + " chars is longer than the PII scan bound of "
          + MAX_SCAN_CHARS + "; check the prompt length first");
    }
    List<Finding> findings = new ArrayList<>();
    BitSet taken = new BitSet(text.length());
    if (text.indexOf('@') >= 0) {
      collect(text, EMAIL_PATTERN, EMAIL, findings, taken, match -> true);
    }
    if (digits(text) >= 9) { // every card and phone has at least 9 digits
      collect(text, CARD_PATTERN, CARD, findings, taken, PiiDetector::luhnValid);
      collect(text, INTERNATIONAL_PHONE, PHONE, findings, taken, match -> between(digits(match), 9, 15));
      collect(text, NATIONAL_PHONE, PHONE, findings, taken,
          match -> between(digits(match), 9, 12) && !YEAR_ROW.matches(match));
    }
    findings.sort(Comparator.comparingInt(f -> f.start));
    return findings;
  }

  /** Adds every accepted match of group 1 that overlaps no earlier finding ({@code taken} marks their chars). */
  private static void collect(String text, Pattern pattern, String category, List<Finding> findings, BitSet taken,
      Predicate<String> accept) {
    Matcher m = pattern.matcher(text);
    int from = 0;
    while (from <= text.length() && m.find(from)) {
      int start = m.start(1);
      int end = m.end(1);
      int next = taken.nextSetBit(start);
      if ((next < 0 || next >= end) && accept.test(m.group(1))) {
        findings.add(new Finding(category, start, end));
        taken.set(start, end);
      }
      from = end;
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

  private record Finding(String category, int start, int end) {}
}
