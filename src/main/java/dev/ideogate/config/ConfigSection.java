package dev.ideogate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ideogate.api.MicroUsd;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping being read: typed getters that record an error (with the dotted path) instead of throwing, and
 * remember which keys were read so that {@link #rejectUnknownKeys()} can name every key nobody asked for. Every
 * scalar is read as its text (numbers too: a decimal never passes through a double) after env substitution.
 */
final class ConfigSection {
  private final String path;
  private final ObjectNode node;
  private final List<String> errors;
  private final Function<String, String> env;
  private final boolean placeholdersForUnset;
  private final Set<String> read = new HashSet<>();
  /** Values that came from env variables, by key, so that error messages can leave them out. */
  private final Map<String, List<String>> substituted = new HashMap<>();

  /**
   * @param placeholdersForUnset replace an unset variable by {@code <unset NAME>} instead of recording an error
   *     (for tools that read only key metadata and must work without the upstream key variables)
   */
  ConfigSection(String path, ObjectNode node, List<String> errors, Function<String, String> env,
      boolean placeholdersForUnset) {
    this.path = path;
    this.node = node;
    this.errors = errors;
    this.env = env;
    this.placeholdersForUnset = placeholdersForUnset;
  }

  String path() {
    return path;
  }

  /** The environment variable {@code name}, null when unset. */
  String env(String name) {
    return env.apply(name);
  }

  String pathOf(String key) {
    if (key.isEmpty() || path.isEmpty()) {
      return path + key;
    }
    return key.startsWith("[") ? path + key : path + "." + key;
  }

  /** Records an error; a value that came from an env variable is never quoted in it (it may be a secret). */
  void error(String key, String message) {
    String shown = message;
    for (String value : substituted.getOrDefault(key, List.of())) {
      if (!value.isBlank()) {
        shown = shown.replace(value, "<value from env>");
      }
    }
    errors.add(pathOf(key) + ": " + shown);
  }

  boolean has(String key) {
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  /** The keys present, in file order (for mappings whose keys are names: teams, pricing, policies). */
  List<String> keys() {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** A nested mapping; an absent key gives an empty section so every default applies. */
  ConfigSection child(String key) {
    read.add(key);
    JsonNode value = node.get(key);
    if (value != null && !value.isNull() && !value.isObject()) {
      error(key, "expected a mapping");
    }
    ObjectNode child = value instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
    return new ConfigSection(pathOf(key), child, errors, env, placeholdersForUnset);
  }

  /**
   * The scalar's text after substitution; empty when absent or null, and when it names an unset variable (that
   * error is recorded, and the key then reads as absent so no second error follows from it).
   */
  Optional<String> scalar(String key) {
    read.add(key);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (value.isContainerNode()) {
      error(key, "expected a single value");
      return Optional.empty();
    }
    return Optional.ofNullable(substitute(key, textOf(value)));
  }

  String string(String key, String defaultValue) {
    return scalar(key).orElse(defaultValue);
  }

  /** Records "required" and returns null when absent. */
  String required(String key) {
    Optional<String> value = scalar(key);
    if (value.isEmpty() && !has(key)) {
      error(key, "required");
    }
    return value.orElse(null);
  }

  String oneOf(String key, String defaultValue, Collection<String> allowed) {
    String value = string(key, defaultValue);
    if (!allowed.contains(value)) {
      error(key, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
      return defaultValue;
    }
    return value;
  }

  long number(String key, long defaultValue, long min, long max) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text.get().trim());
      if (value < min || value > max) {
        error(key, "must be in " + min + ".." + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      error(key, "expected a whole number in " + min + ".." + max + ", got '" + text.get() + "'");
      return defaultValue;
    }
  }

  int integer(String key, int defaultValue, int min, int max) {
    return (int) number(key, defaultValue, min, max);
  }

  boolean bool(String key, boolean defaultValue) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return defaultValue;
    }
    return switch (text.get().trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        error(key, "expected true or false, got '" + text.get() + "'");
        yield defaultValue;
      }
    };
  }

  /** A positive duration ("120s"). */
  Duration duration(String key, Duration defaultValue) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      Duration value = Durations.parse(text.get());
      if (value.isZero()) {
        error(key, "must be longer than 0");
      }
      return value;
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return defaultValue;
    }
  }

  /** USD decimal text to micro-USD, exactly; null when absent or invalid (the error is recorded). */
  Long usd(String key) {
    return scalar(key).map(text -> usdOf(key, text)).orElse(null);
  }

  Long usdOf(String key, String text) {
    try {
      return MicroUsd.parse(text);
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return null;
    }
  }

  /** A date (2027-03-01 = the start of that day, UTC) or an ISO instant; null when absent or invalid. */
  Instant instant(String key) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return null;
    }
    String value = text.get().trim();
    try {
      return parseInstant(value);
    } catch (DateTimeParseException e) {
      error(key, "expected a date (2027-03-01) or an ISO instant (2027-03-01T12:00:00Z), got '" + value + "'");
      return null;
    }
  }

  /** "2027-03-01" (start of that day, UTC) or an ISO instant with offset. */
  static Instant parseInstant(String value) {
    if (value.length() == 10) {
      return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return OffsetDateTime.parse(value).toInstant();
  }

  /** A list of scalars; empty when absent. A single scalar is an error, not a one-element list. */
  Optional<List<String>> list(String key) {
    read.add(key);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isArray()) {
      error(key, "expected a list");
      return Optional.empty();
    }
    List<String> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (item.isContainerNode() || item.isNull()) {
        error(key + "[" + i + "]", "expected a single value");
      } else {
        String text = substitute(key + "[" + i + "]", textOf(item));
        if (text != null) {
          items.add(text);
        }
      }
    }
    return Optional.of(items);
  }

  /** The mappings of a list ({@code clientKeys: [{id: …}, …]}), each a section named {@code key[i]}. */
  List<ConfigSection> sections(String key) {
    read.add(key);
    JsonNode value = node.get(key);
    List<ConfigSection> sections = new ArrayList<>();
    if (value == null || value.isNull()) {
      return sections;
    }
    if (!value.isArray()) {
      error(key, "expected a list");
      return sections;
    }
    for (int i = 0; i < value.size(); i++) {
      if (value.get(i) instanceof ObjectNode item) {
        sections.add(new ConfigSection(pathOf(key) + "[" + i + "]", item, errors, env, placeholdersForUnset));
      } else {
        error(key + "[" + i + "]", "expected a mapping");
      }
    }
    return sections;
  }

  /** Is this key's value a list (as opposed to a mapping)? */
  boolean isList(String key) {
    JsonNode value = node.get(key);
    return value != null && value.isArray();
  }

  void rejectUnknownKeys() {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!read.contains(name)) {
        error(name, "unknown key");
      }
    }
  }

  /** Null when a variable is unset (recorded as an error naming the variable, never a value). */
  private String substitute(String key, String text) {
    if (text.contains("${")) {
      String listKey = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
      String value = EnvSubstitution.apply(text, env, variable -> "");
      substituted.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      substituted.computeIfAbsent(listKey, k -> new ArrayList<>()).add(value);
    }
    if (placeholdersForUnset) {
      return EnvSubstitution.apply(text, env, variable -> "<unset " + variable + ">");
    }
    int before = errors.size();
    String result = EnvSubstitution.apply(text, env, variable -> {
      error(key, "environment variable " + variable + " is not set");
      return "";
    });
    return errors.size() == before ? result : null;
  }

  private static String textOf(JsonNode value) {
    return value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText();
  }
}
