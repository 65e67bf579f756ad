package dev.ideogate.policy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.ideogate.config.ContentCategories;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A team's content policy tier (ARCHITECTURE.md §4 {@code contentPolicies}): an ordered list of {@code category:regex}
 * entries, precompiled once per config version. A prompt is blocked by the first entry whose regex is found in
 * it (after NFKC normalisation, so full-width or compatibility letters do not slip past an ASCII pattern).
 * An entry whose text before the first ':' is not a known category is a bare regex of category {@code custom}
 * (so {@code (?i)foo} and {@code (?:a|b)} need no prefix); the config loader has already refused an unknown one.
 *
 * <p>Regexes run on RE2/J (ARCHITECTURE.md §11): matching is linear in the prompt whatever an operator writes, so a
 * pattern such as {@code (\w+\s?)+$} cannot hold an event loop; RE2 refuses back-references and lookarounds,
 * and {@code check-config} says so.
 *
 * <p>The gateway turns a block into 422 {@code content_blocked} with {@link Verdict#message()}, which names
 * the tier and the category but never the matched text (it may be what the policy exists to keep out of logs).
 */
public final class ContentPolicy {
  public static final String CUSTOM = ContentCategories.CUSTOM;
  public static final Set<String> CATEGORIES = ContentCategories.KNOWN;

  private final String tier;
  private final List<Rule> rules;
  /** Every rule in one alternation (one scan of the prompt), or null when a rule cannot be combined safely. */
  private final Pattern combined;
  /**
   * Strings one of which every match of a rule contains ({@link RequiredLiterals}), or null when the rules do not
   * say: an ASCII prompt that contains none of them is allowed without a regex scan.
   */
  private final List<String> required;

  private ContentPolicy(String tier, List<Rule> rules) {
    this.tier = tier;
    this.rules = rules;
    this.combined = combine(rules);
    this.required = rules.isEmpty() ? null
        : RequiredLiterals.of(rules.stream().map(rule -> rule.pattern.pattern()).toList());
  }

  /**
   * One pass instead of one per rule: {@code (?P<r0>rule0)|(?P<r1>rule1)|…}; an inline flag such as {@code (?i)}
   * stays inside its own group. Rules with named groups would clash once combined, so then the rules are tried one
   * by one.
   */
  private static Pattern combine(List<Rule> rules) {
    if (rules.isEmpty()) {
      return null;
    }
    StringBuilder alternation = new StringBuilder();
    for (int i = 0; i < rules.size(); i++) {
      String regex = rules.get(i).pattern.pattern();
      if (regex.contains("(?P<") || regex.contains("(?<")) {
        return null;
      }
      alternation.append(i == 0 ? "" : "|").append("(?P<r").append(i).append('>').append(regex).append(')');
    }
    try {
      return Pattern.compile(alternation.toString());
    } catch (PatternSyntaxException e) {
      return null;
    }
  }

  /**
   * Compiles {@code entries} of {@code tier}; an empty list blocks nothing.
   *
   * @throws IllegalArgumentException naming the tier and the entry's position when a regex is empty or invalid
   */
  public static ContentPolicy compile(String tier, List<String> entries) {
    Objects.requireNonNull(tier, "tier");
    List<Rule> rules = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      rules.add(Rule.parse(tier, i + 1, entries.get(i)));
    }
    return new ContentPolicy(tier, List.copyOf(rules));
  }

  /** Compiles every tier of a config's {@code contentPolicies}. */
  public static Map<String, ContentPolicy> compileAll(Map<String, List<String>> tiers) {
    Map<String, ContentPolicy> compiled = new LinkedHashMap<>();
    tiers.forEach((tier, entries) -> compiled.put(tier, compile(tier, entries)));
    return Map.copyOf(compiled);
  }

  public String tier() {
    return tier;
  }

  public Verdict check(String prompt) {
    String raw = prompt == null ? "" : prompt;
    // NFKC folds look-alikes (full-width letters) onto the words the rules name; plain ASCII is already folded.
    boolean ascii = isAscii(raw);
    String text = ascii ? raw : Normalizer.normalize(raw, Normalizer.Form.NFKC);
    // The prefilter's strings are lower-case ASCII; on ASCII text, lower-casing is exact (Locale.ROOT).
    if (required != null && (ascii || isAscii(text))
        && !RequiredLiterals.anyIn(required, text.toLowerCase(Locale.ROOT))) {
      return new Verdict(false, tier, null);
    }
    return scan(text);
  }

  /** The prefilter's strings (null: every prompt is scanned). */
  List<String> requiredLiterals() {
    return required;
  }

  /** The verdict of the regexes themselves, without the literal prefilter. */
  Verdict scan(String text) {
    if (combined != null) {
      Matcher matcher = combined.matcher(text);
      if (!matcher.find()) {
        return new Verdict(false, tier, null);
      }
      for (int i = 0; i < rules.size(); i++) {
        if (matcher.start("r" + i) >= 0) {
          return new Verdict(true, tier, rules.get(i).category);
        }
      }
    }
    for (Rule rule : rules) {
      if (rule.pattern.matcher(text).find()) {
        return new Verdict(true, tier, rule.category);
      }
    }
    return new Verdict(false, tier, null);
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * The outcome of a check.
   *
   * @param category the blocking entry's category; null when not blocked
   */
  public record Verdict(boolean blocked, String tier, String category) {
    public Verdict {
      if (blocked != (category != null)) {
        throw new IllegalArgumentException("a verdict has a category exactly when it blocks");
      }
    }

    /** The client-facing reason for a block: the tier and category, never the matched text. */
    public String message() {
      return blocked
          ? "prompt blocked by content policy '" + tier + "' (category: " + category + ")"
          : "prompt allowed by content policy '" + tier + "'";
    }
  }

  private record Rule(String category, Pattern pattern) {
    static Rule parse(String tier, int position, String entry) {
      if (entry == null) {
        throw new IllegalArgumentException("content policy " + tier + ", entry " + position + ": is empty");
      }
      int colon = entry.indexOf(':');
      String prefix = colon > 0 ? entry.substring(0, colon) : "";
      boolean categorised = CATEGORIES.contains(prefix);
      String category = categorised ? prefix : CUSTOM;
      String regex = categorised ? entry.substring(colon + 1) : entry;
      if (regex.isBlank()) {
        throw new IllegalArgumentException("content policy " + tier + ", entry " + position + ": regex is empty");
      }
      try {
        return new Rule(category, Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("content policy " + tier + ", entry " + position + ": invalid regex: "
            + e.getDescription());
      }
    }
  }
}
