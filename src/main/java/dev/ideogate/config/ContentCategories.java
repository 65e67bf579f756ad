package dev.ideogate.config;

import java.util.Set;

/**
 * The categories a content policy entry may name (ARCHITECTURE.md §4, {@code contentPolicies}); the category is what
 * a 422 {@code content_blocked} names. A fixed list, so a misspelt category ({@code self-harm} for
 * {@code self_harm}) is a config error instead of an entry that silently never matches.
 */
public final class ContentCategories {
  /** What an entry without a category prefix is. */
  public static final String CUSTOM = "custom";
  public static final Set<String> KNOWN = Set.of(
      "brand", "competitor", "trademark", "violence", "nsfw", "hate", "self_harm", "weapons", "drugs", CUSTOM);

  private ContentCategories() {}
}
