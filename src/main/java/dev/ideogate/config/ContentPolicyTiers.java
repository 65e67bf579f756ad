package dev.ideogate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content policy tiers: the built-ins of {@code content-policies.yaml} merged with the config's
 * {@code contentPolicies}. Every entry is normalised to {@code "category:regex"} (see the resource's header); its
 * category must be one of {@link ContentCategories#KNOWN} and its regex must compile on RE2/J, the linear-time engine
 * the gateway matches with (ARCHITECTURE.md §4): an entry that could never match, or that RE2 cannot run, is a
 * config error naming it, not a silent hole in the policy.
 */
final class ContentPolicyTiers {
  static final String RESOURCE = "/content-policies.yaml";
  private static final Pattern CATEGORY_PREFIX = Pattern.compile("([a-z][a-z0-9_-]*):(.+)", Pattern.DOTALL);
  private static final Map<String, List<String>> BUILT_IN = loadBuiltIn();

  private ContentPolicyTiers() {}

  /** strict, moderate and permissive as shipped. */
  static Map<String, List<String>> builtIn() {
    return BUILT_IN;
  }

  /** Built-ins overridden or extended by the {@code contentPolicies} section of a config. */
  static Map<String, List<String>> read(ConfigSection section) {
    Map<String, List<String>> tiers = new LinkedHashMap<>(BUILT_IN);
    for (String tier : section.keys()) {
      List<String> entries = new ArrayList<>();
      if (section.isList(tier)) {
        List<String> items = section.list(tier).orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
          addEntry(section, tier + "[" + i + "]", prefixed(items.get(i)), entries);
        }
      } else {
        ConfigSection categories = section.child(tier);
        for (String category : categories.keys()) {
          if (!ContentCategories.KNOWN.contains(category)) {
            categories.error(category, unknownCategory(category));
            continue;
          }
          List<String> items = categories.list(category).orElse(List.of());
          for (int i = 0; i < items.size(); i++) {
            addEntry(categories, category + "[" + i + "]", category + ":" + items.get(i), entries);
          }
        }
      }
      tiers.put(tier, List.copyOf(entries));
    }
    return Collections.unmodifiableMap(tiers);
  }

  /** The regex part of a normalised entry. */
  static String regexOf(String entry) {
    Matcher matcher = CATEGORY_PREFIX.matcher(entry);
    return matcher.matches() ? matcher.group(2) : entry;
  }

  private static String prefixed(String entry) {
    return CATEGORY_PREFIX.matcher(entry).matches() ? entry : "custom:" + entry;
  }

  private static String unknownCategory(String category) {
    return "unknown content category '" + category + "': an entry of it would never match; use one of "
        + String.join(", ", new TreeSet<>(ContentCategories.KNOWN));
  }

  private static void addEntry(ConfigSection section, String key, String entry, List<String> entries) {
    Matcher prefix = CATEGORY_PREFIX.matcher(entry);
    if (prefix.matches() && !ContentCategories.KNOWN.contains(prefix.group(1))) {
      section.error(key, unknownCategory(prefix.group(1)) + " (or write custom:" + entry + " for a bare regex)");
      return;
    }
    String problem = re2Problem(regexOf(entry));
    if (problem != null) {
      section.error(key, problem);
      return;
    }
    entries.add(entry);
  }

  /** Why RE2/J cannot take {@code regex} (naming it), or null when it can. */
  static String re2Problem(String regex) {
    try {
      com.google.re2j.Pattern.compile(regex);
      return null;
    } catch (com.google.re2j.PatternSyntaxException e) {
      return "invalid regex '" + clip(regex) + "' for RE2, the linear-time engine policies run on (no"
          + " back-references or lookarounds): " + e.getDescription();
    } catch (StackOverflowError | RuntimeException e) {
      return "invalid regex '" + clip(regex) + "' for RE2: too deeply nested";
    }
  }

  private static String clip(String regex) {
    return regex.length() > 80 ? regex.substring(0, 80) + "…" : regex;
  }

  private static Map<String, List<String>> loadBuiltIn() {
    try (InputStream in = ContentPolicyTiers.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
      Map<String, List<String>> tiers = new LinkedHashMap<>();
      root.fields().forEachRemaining(tier -> {
        List<String> entries = new ArrayList<>();
        tier.getValue().fields().forEachRemaining(category -> category.getValue()
            .forEach(regex -> entries.add(category.getKey() + ":" + regex.asText())));
        entries.forEach(entry -> {
          if (re2Problem(regexOf(entry)) != null) {
            throw new IllegalStateException(RESOURCE + ": " + re2Problem(regexOf(entry)));
          }
        });
        tiers.put(tier.getKey(), List.copyOf(entries));
      });
      return Collections.unmodifiableMap(tiers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
