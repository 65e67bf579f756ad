package dev.ideogate.config;

import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in a configuration value. As in a shell, the default is used when the
 * variable is unset or empty. It is applied to each scalar after YAML parsing, so a secret containing quotes, '#' or
 * ':' cannot change the document's structure and a YAML syntax error can never quote a secret; and a
 * {@code ${…}} inside a comment is not expanded.
 */
final class EnvSubstitution {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private EnvSubstitution() {}

  /**
   * Returns {@code text} with every reference replaced; a variable that is unset and has no default is replaced by
   * what {@code whenUnset} returns for its name (the caller records the error; it never sees a value).
   */
  static String apply(String text, Function<String, String> env, UnaryOperator<String> whenUnset) {
    if (text.indexOf("${") < 0) {
      return text;
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = env.apply(name);
      if (value == null || value.isEmpty() && matcher.group(2) != null) {
        value = matcher.group(2) != null ? matcher.group(3) : null;
      }
      if (value == null) {
        value = whenUnset.apply(name);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
