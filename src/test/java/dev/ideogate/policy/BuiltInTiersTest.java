package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped tiers ({@code content-policies.yaml}) block at least every whole word the team proxy Ideogate replaced
 * blocked in its tier of the same name; a team moving over must not find a prompt suddenly allowed.
 */
class BuiltInTiersTest {
  /** The shipped tiers, as a config without {@code contentPolicies} gets them. */
  static final Map<String, ContentPolicy> SHIPPED = ContentPolicy.compileAll(ConfigLoader.parse("""
      teams:
        t:
          upstreamKey: k-1
          dailyBudgetUsd: 1
          allowedModels: [V_2]
          allowedStyles: [AUTO]
      """, Map.<String, String>of()::get).contentPolicies());

  @ParameterizedTest(name = "{0} blocks ''{1}''")
  @CsvSource({
      "strict, competitor", "strict, trademark", "strict, brand",
      "strict, violent", "strict, weapon", "strict, blood", "strict, gore",
      "strict, nsfw", "strict, nude", "strict, explicit",
      "moderate, nsfw", "moderate, nude", "moderate, explicit"})
  void blocksEveryWordTheReplacedProxyBlocked(String tier, String word) {
    ContentPolicy policy = SHIPPED.get(tier);
    for (String prompt : List.of(word, "a poster with " + word + " in it", word.toUpperCase() + "!",
        "(" + word + ")")) {
      assertTrue(policy.check(prompt).blocked(), tier + " lets '" + prompt + "' through");
    }
  }

  @ParameterizedTest(name = "{0} allows ''{1}''")
  @CsvSource({"strict, bloodhound puppy", "strict, branding iron", "strict, goretex jacket", "moderate, a weapon and blood",
      "permissive, nude gore"})
  void matchesWholeWordsOnly(String tier, String prompt) {
    assertFalse(SHIPPED.get(tier).check(prompt).blocked(), tier + " blocks '" + prompt + "'");
  }

  @ParameterizedTest(name = "strict: {0}")
  @CsvSource({"a soldier with a weapon and blood, violence", "our competitor's logo, brand"})
  void namesTheCategory(String prompt, String category) {
    assertEquals(category, SHIPPED.get("strict").check(prompt).category());
  }
}
