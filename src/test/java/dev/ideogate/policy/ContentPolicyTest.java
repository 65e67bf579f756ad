package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.policy.ContentPolicy.Verdict;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentPolicyTest {
  private static final Map<String, ContentPolicy> DEFAULTS = ContentPolicy.compileAll(fixtureTiers());
  private static final ContentPolicy STRICT = DEFAULTS.get("strict");
  private static final ContentPolicy MODERATE = DEFAULTS.get("moderate");
  private static final ContentPolicy PERMISSIVE = DEFAULTS.get("permissive");

  @Test
  void blocksWithTheCategoryOfTheFirstMatchingEntry() {
    ContentPolicy policy = ContentPolicy.compile("strict", List.of("brand:(?i)\\bcoca[- ]?cola\\b",
        "violence:(?i)\\bgore\\b"));
    assertEquals(new Verdict(true, "strict", "brand"), policy.check("A Coca-Cola can covered in gore"));
    assertEquals(new Verdict(true, "strict", "violence"), policy.check("a scene full of GORE"));
    assertEquals(new Verdict(false, "strict", null), policy.check("a red soda can"));
  }

  @Test
  void treatsAnEntryWithoutAKnownCategoryAsCustom() {
    ContentPolicy policy = ContentPolicy.compile("house", List.of("(?i)\\bacme\\b", "(?:foo|bar)z", "x:y"));
    assertEquals(new Verdict(true, "house", "custom"), policy.check("the ACME logo"));
    assertEquals(new Verdict(true, "house", "custom"), policy.check("barz"));
    assertEquals(new Verdict(true, "house", "custom"), policy.check("x:y"));
    assertFalse(policy.check("y").blocked());
  }

  @Test
  void rejectsAnInvalidOrEmptyRegexNamingTheTierAndEntry() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ContentPolicy.compile("strict", List.of("nsfw:nude", "violence:(gore")));
    assertTrue(e.getMessage().startsWith("content policy strict, entry 2: invalid regex: "), e.getMessage());
    assertEquals("content policy strict, entry 1: regex is empty",
        assertThrows(IllegalArgumentException.class, () -> ContentPolicy.compile("strict", List.of("brand:")))
            .getMessage());
  }

  @Test
  void namesTheTierAndCategoryButNeverTheMatchedText() {
    Verdict verdict = STRICT.check("pepsi vs coke");
    assertEquals("prompt blocked by content policy 'strict' (category: brand)", verdict.message());
    assertFalse(verdict.message().toLowerCase().contains("pepsi"));
  }

  @Test
  void strictDefaultsBlockBrandsTrademarksViolenceAndNsfw() {
    assertEquals("brand", STRICT.check("a Coca Cola billboard").category());
    assertEquals("brand", STRICT.check("cocacola bottle").category());
    assertEquals("brand", STRICT.check("running shoes by Nike").category());
    assertEquals("brand", STRICT.check("McDonald's fries").category());
    assertEquals("trademark", STRICT.check("Mickey Mouse waving").category());
    assertEquals("trademark", STRICT.check("a Pokémon card").category());
    assertEquals("violence", STRICT.check("a medieval beheading").category());
    assertEquals("violence", STRICT.check("mutilated bodies").category());
    assertEquals("nsfw", STRICT.check("a naked figure").category());
    assertEquals("nsfw", STRICT.check("pornographic poster").category());
    assertEquals("nsfw", STRICT.check("Explicit  sex scene").category());
  }

  @Test
  void defaultsMatchWholeWordsOnly() {
    assertFalse(STRICT.check("a snake eats an egg").blocked());
    assertFalse(STRICT.check("gorilla in a forest").blocked());
    assertFalse(STRICT.check("Nikel and Adidasaurus").blocked());
    assertFalse(STRICT.check("explicit instructions for a sextant").blocked());
    assertFalse(STRICT.check("").blocked());
  }

  @Test
  void moderateAllowsBrandsButNotViolenceOrNsfw() {
    assertFalse(MODERATE.check("a Nike shoe on a Disney poster").blocked());
    assertEquals(new Verdict(true, "moderate", "violence"), MODERATE.check("massacre"));
    assertEquals(new Verdict(true, "moderate", "nsfw"), MODERATE.check("NSFW art"));
  }

  @Test
  void permissiveBlocksNothing() {
    assertEquals(new Verdict(false, "permissive", null), PERMISSIVE.check("nude gore at Disney"));
  }

  @Test
  void matchesFullWidthLettersAfterNormalisation() {
    assertEquals("brand", STRICT.check("ｎｉｋｅ sneakers").category());
  }

  @Test
  void rejectsAVerdictWhoseCategoryContradictsIt() {
    assertThrows(IllegalArgumentException.class, () -> new Verdict(true, "strict", null));
    assertThrows(IllegalArgumentException.class, () -> new Verdict(false, "strict", "brand"));
  }

  @Test
  void combinedRulesKeepEachRulesOwnFlagsAndCategory() {
    ContentPolicy policy = ContentPolicy.compile("t", List.of("brand:(?i)\\bacme\\b", "violence:\\bGore\\b"));
    assertEquals("brand", policy.check("an ACME poster").category());
    assertEquals("violence", policy.check("Gore in the title").category());
    assertFalse(policy.check("gore in lower case").blocked(), "the second rule has no (?i) of its own");
  }

  @Test
  void rulesRe2CannotRunAreRefusedAtCompile() {
    assertThrows(IllegalArgumentException.class,
        () -> ContentPolicy.compile("t", List.of("custom:\\b(\\w+) \\1\\b")), "back-reference");
    assertThrows(IllegalArgumentException.class, () -> ContentPolicy.compile("t", List.of("custom:foo(?!bar)")),
        "lookahead");
  }

  /** Backtracking took more than 20 s on this pair; RE2/J is linear, so the check simply returns. */
  @Test
  void catastrophicPatternsFinishOnAMaximalPrompt() {
    ContentPolicy policy = ContentPolicy.compile("t", List.of("custom:(?i)(\\w+\\s?)+$", "custom:(a|aa)+b",
        "custom:" + "(".repeat(500) + "x" + ")".repeat(500)));
    String prompt = "word ".repeat(1_999) + "!!!!!";
    ContentPolicy.Verdict verdict = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> policy.check(prompt));
    assertFalse(verdict.blocked());
    assertTrue(policy.check("a".repeat(10_000) + "b").blocked());
  }

  /** Tiers of this test (the shipped built-ins live in content-policies.yaml, tested by BuiltInTiersTest). */
  private static Map<String, List<String>> fixtureTiers() {
    String brand = "brand:(?i)\\b(?:coca[- ]?cola|pepsi(?:co)?|nike|adidas|starbucks|mcdonald'?s)\\b";
    String trademark = "trademark:(?i)\\b(?:disney|mickey[- ]?mouse|marvel|pok[eé]mon|pikachu|lego)\\b";
    String violence = "violence:(?i)\\b(?:gore|gory|beheading|beheaded|decapitat\\w*|massacre\\w*|mutilat\\w*"
        + "|dismember\\w*|disembowel\\w*)\\b";
    String nsfw = "nsfw:(?i)\\b(?:nude|nudes|nudity|naked|porn\\w*|nsfw|hentai|topless|explicit\\s+sex\\w*)\\b";
    Map<String, List<String>> tiers = new LinkedHashMap<>();
    tiers.put("strict", List.of(brand, trademark, violence, nsfw));
    tiers.put("moderate", List.of(violence, nsfw));
    tiers.put("permissive", List.of());
    return tiers;
  }
}
