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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The content policy tiers: the built-ins of {@code content-policies.yaml} merged with the config's
 * {@code contentPolicies}. Every entry is normalised to {@code "category:regex"} (see the resource's header) and
 * its regex is checked to compile.
 */
final class ContentPolicyTiers {
  static final String RESOURCE = "/content-policies.yaml";
  private static final Pattern CATEGORY_PREFIX = Pattern.compile("([a-z][a-z0-9_-]*):(.+)", Pattern.DOTALL);
  private static final Pattern CATEGORY = Pattern.compile("[a-z][a-z0-9_-]*");
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
          if (!CATEGORY.matcher(category).matches()) {
            categories.error(category, "category must match [a-z][a-z0-9_-]*");
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

  private static void addEntry(ConfigSection section, String key, String entry, List<String> entries) {
    try {
      Pattern.compile(regexOf(entry));
      entries.add(entry);
    } catch (PatternSyntaxException e) {
      section.error(key, "invalid regex: " + e.getDescription());
    }
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
        entries.forEach(entry -> Pattern.compile(regexOf(entry)));
        tiers.put(tier.getKey(), List.copyOf(entries));
      });
      return Collections.unmodifiableMap(tiers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
