package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The content policy's literal prefilter never changes a verdict: a prompt it lets pass without a scan is one the
 * regexes allow too, for the shipped tiers and for operator-written rules of many shapes.
 */
class RequiredLiteralsTest {
  private static final Map<String, ContentPolicy> SHIPPED = BuiltInTiersTest.SHIPPED;

  /** Operator-style rules the analysis reads; each with a prompt it blocks. */
  private static final List<String> OPERATOR_RULES = List.of(
      "(?i)\\bproject falcon\\b", "Nike", "(?i)acme[0-9]+", "(?i)\\b(foo|bar)\\w*baz", "x{2,}y", "(?i)[a-c]ard",
      "(?i)(?:top|bottom) secret", "(?i)\\bq[u]?\\.?e\\b", "(?P<n>zeta)|omega", "(?i)(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)",
      "(?i)\\d+ dollars", "(?s)sec.ret", "{lit}", "a{0,3}bc", "(?U)wh+y", "[-_]dash");

  private static final String[] WORDS = {"a", "the", "red", "bicycle", "poster", "logo", "trade", "mark", "coca",
      "cola", "pepsico", "nike", "nikes", "gun", "aimed", "at", "pointed", "shooting", "person", "bloodhound",
      "decapitated", "torturer", "porno", "xxx", "sex", "scene", "mickey", "mouse", "mcdonald's", "mcdonalds",
      "official", "copyrighted", "project", "falcon", "acme42", "foo", "barbaz", "fooqbaz", "xxy", "card", "bard",
      "top", "secret", "que", "q.e", "zeta", "omega", "acegikm", "bdfhjln", "12", "dollars", "sec\nret", "{lit}",
      "aaabc", "whhy", "-dash", "_dash", "brand", "branding", "gore", "goretex", "nude", "lingerie", "STARBUCKS",
      // non-ASCII: folded by NFKC onto the rules' words (full-width, long s) or left out of the prefilter (café)
      "\uff2e\uff29\uff2b\uff25", "\u017fecret", "caf\u00e9", "\uff53\uff45\uff58"};
  private static final String[] GLUE = {" ", " ", " ", "-", ", ", "", "'", "(", ")", "!", "_", "\t"};

  @Test
  void threeStrictStyleRulesNeedOnlyTheirWords() {
    List<String> strict = RequiredLiterals.of(List.of("(?i)\\bcoca[- ]?cola\\b", "(?i)\\b(massacre|torture)\\w*",
        "(?i)\\b(nsfw|porn\\w*|xxx)\\b"));
    assertEquals(List.of("coca-cola", "coca cola", "cocacola", "massacre", "torture", "nsfw", "porn", "xxx"), strict);
  }

  @Test
  void keepsTheShortestOfNestedLiterals() {
    assertEquals(List.of("blood", "gore"), RequiredLiterals.of(List.of("(?i)\\b(blood|gore)\\b", "bloodbath")));
  }

  @ParameterizedTest(name = "gives up on {0}")
  @ValueSource(strings = {"\\w+", "a|b*", "(?i)caf\u00e9", "\\x41pple", "[[:alpha:]]+x", "\\Qa.b\\E", "(a|)",
      "colou?r|.*", "\\pL+", "\u212aelvin"})
  void givesUpWhenAMatchNeedsNoLiteralOrTheSyntaxIsNotCertain(String regex) {
    assertNull(RequiredLiterals.of(List.of("(?i)\\bbrand\\b", regex)));
  }

  @Test
  void shippedTiersHaveAPrefilter() {
    for (String tier : List.of("strict", "moderate")) {
      assertNotNull(SHIPPED.get(tier).requiredLiterals(), tier);
    }
  }

  @Test
  void verdictIsTheScansOnRandomPrompts() {
    List<ContentPolicy> policies = new ArrayList<>(SHIPPED.values());
    for (String rule : OPERATOR_RULES) {
      ContentPolicy policy = ContentPolicy.compile("op", List.of("brand:(?i)\\bacme corp\\b", rule));
      policies.add(policy);
    }
    policies.add(ContentPolicy.compile("all", OPERATOR_RULES));
    Random random = new Random(14);
    int blocked = 0;
    for (int i = 0; i < 20_000; i++) {
      String prompt = prompt(random);
      for (ContentPolicy policy : policies) {
        ContentPolicy.Verdict verdict = policy.check(prompt);
        // the scan of what check scans: the prompt folded by NFKC (the identity on ASCII)
        assertEquals(policy.scan(Normalizer.normalize(prompt, Normalizer.Form.NFKC)), verdict,
            policy.tier() + ": '" + prompt + "'");
        blocked += verdict.blocked() ? 1 : 0;
      }
    }
    assertTrue(blocked > 10_000, "the prompts exercise blocking rules too: " + blocked);
  }

  @Test
  void everyOperatorRuleIsReadAndBlocksItsWord() {
    for (String rule : OPERATOR_RULES) {
      assertNotNull(RequiredLiterals.of(List.of(rule)), rule);
    }
    ContentPolicy all = ContentPolicy.compile("all", OPERATOR_RULES);
    for (String prompt : List.of("PROJECT Falcon", "Nike", "acme7", "foo_baz", "xxy", "Card", "top secret", "q.e",
        "zeta", "acegikm", "12 dollars", "sec\nret", "{lit}", "bc", "whhy", "_dash")) {
      assertTrue(all.check(prompt).blocked(), prompt);
    }
  }

  private static String prompt(Random random) {
    StringBuilder prompt = new StringBuilder();
    int words = 1 + random.nextInt(6);
    for (int w = 0; w < words; w++) {
      String word = WORDS[random.nextInt(WORDS.length)];
      word = switch (random.nextInt(4)) {
        case 0 -> word.toUpperCase(Locale.ROOT);
        case 1 -> Character.toUpperCase(word.charAt(0)) + word.substring(1);
        default -> word;
      };
      if (random.nextInt(8) == 0 && word.length() > 2) {
        int cut = 1 + random.nextInt(word.length() - 1);
        word = word.substring(0, cut) + (char) ('a' + random.nextInt(26)) + word.substring(cut);
      }
      prompt.append(word).append(GLUE[random.nextInt(GLUE.length)]);
    }
    return prompt.toString();
  }
}
