package dev.ideogate.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A necessary condition for a content policy's regexes, cheap to test: the lower-case ASCII strings of which every
 * match contains at least one (ARCHITECTURE.md §11, content policy). A prompt (ASCII, lower-cased) that contains
 * none of them cannot match, and RE2/J need not scan it; one that contains one is scanned as before, so the verdict
 * never changes, only its cost on the prompts that pass (most of them).
 *
 * <p>The analysis reads the RE2 syntax the rules are written in, conservatively: what it does not know for sure (a
 * {@code \x41} escape, a POSIX class, a non-ASCII literal that case folding could map onto ASCII, {@code \Q…\E})
 * makes it give up, and {@link #of} answers null: the policy then scans every prompt. Literals are lower-cased on
 * both sides, which is a necessary condition both with {@code (?i)} (on ASCII text the only case variants of an
 * ASCII letter are its two ASCII forms) and without it.
 */
final class RequiredLiterals {
  /** Largest set of exact strings a piece is expanded to before only its required strings are kept. */
  private static final int MAX_EXACT = 64;
  /** Largest class of characters expanded to an exact set of one-character strings. */
  private static final int MAX_CLASS = 8;
  /** Largest set a whole policy may need before the prefilter costs more than it saves. */
  private static final int MAX_LITERALS = 256;

  private final String regex;
  private int pos;

  private RequiredLiterals(String regex) {
    this.regex = regex;
  }

  /**
   * The strings every match of one of {@code regexes} contains one of (lower-case, none empty, none containing
   * another), or null when some regex can match without any literal or cannot be read with certainty.
   */
  static List<String> of(List<String> regexes) {
    Set<String> all = new LinkedHashSet<>();
    for (String regex : regexes) {
      Set<String> required;
      try {
        RequiredLiterals parser = new RequiredLiterals(regex);
        Info info = parser.alternation();
        if (parser.pos != regex.length()) {
          return null;
        }
        required = nonTrivial(info.required());
      } catch (Unsupported e) {
        return null;
      }
      if (required == null) {
        return null;
      }
      all.addAll(required);
    }
    List<String> minimal = new ArrayList<>();
    for (String literal : all) {
      boolean implied = false;
      for (String other : all) {
        if (!other.equals(literal) && literal.contains(other)) {
          implied = true; // any text containing `literal` contains `other`: `other` alone is enough
          break;
        }
      }
      if (!implied) {
        minimal.add(literal);
      }
    }
    return minimal.isEmpty() || minimal.size() > MAX_LITERALS ? null : List.copyOf(minimal);
  }

  /** True when {@code lowerAscii} (lower-cased ASCII text) contains one of {@code literals}. */
  static boolean anyIn(List<String> literals, String lowerAscii) {
    for (String literal : literals) {
      if (lowerAscii.contains(literal)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a piece of a regex matches: {@code exact} the strings it matches (lower-cased; null when unbounded), else
   * {@code needs} the strings one of which every match contains (null: no constraint).
   */
  private record Info(Set<String> exact, Set<String> needs) {
    static final Info ANY = new Info(null, null);
    static final Info EMPTY = new Info(Set.of(""), null);

    /** What every match contains one of (null: nothing). */
    Set<String> required() {
      return exact != null ? exact : needs;
    }
  }

  private static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  /** Null when {@code strings} is null or admits the empty string (a match need contain nothing). */
  private static Set<String> nonTrivial(Set<String> strings) {
    return strings == null || strings.contains("") ? null : strings;
  }

  /** The more selective of two required sets: either when the other is null, else the longer shortest string. */
  private static Set<String> better(Set<String> a, Set<String> b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    int shortestA = a.stream().mapToInt(String::length).min().orElse(0);
    int shortestB = b.stream().mapToInt(String::length).min().orElse(0);
    if (shortestA != shortestB) {
      return shortestA > shortestB ? a : b;
    }
    return a.size() <= b.size() ? a : b;
  }

  private boolean more() {
    return pos < regex.length();
  }

  private char peek() {
    return regex.charAt(pos);
  }

  // alternation := concatenation ('|' concatenation)*
  private Info alternation() {
    List<Info> branches = new ArrayList<>();
    branches.add(concatenation());
    while (more() && peek() == '|') {
      pos++;
      branches.add(concatenation());
    }
    if (branches.size() == 1) {
      return branches.get(0);
    }
    Set<String> exact = new LinkedHashSet<>();
    Set<String> required = new LinkedHashSet<>();
    for (Info branch : branches) {
      if (exact != null && branch.exact() != null && exact.size() + branch.exact().size() <= MAX_EXACT) {
        exact.addAll(branch.exact());
      } else {
        exact = null;
      }
      Set<String> branchRequired = nonTrivial(branch.required());
      if (required == null || branchRequired == null) {
        required = null;
      } else {
        required.addAll(branchRequired);
      }
    }
    return exact != null ? new Info(exact, null) : new Info(null, required);
  }

  // concatenation := (atom quantifier?)*, up to '|' or ')'
  private Info concatenation() {
    Set<String> run = Set.of("");
    Set<String> best = null;
    boolean whole = true;
    while (more() && peek() != '|' && peek() != ')') {
      Info piece = quantified(atom());
      if (piece.exact() != null && (long) run.size() * piece.exact().size() <= MAX_EXACT) {
        run = product(run, piece.exact());
        continue;
      }
      whole = false;
      best = better(best, nonTrivial(run));
      if (piece.exact() != null) {
        run = piece.exact();
      } else {
        best = better(best, nonTrivial(piece.required()));
        run = Set.of("");
      }
    }
    return whole ? new Info(run, null) : new Info(null, better(best, nonTrivial(run)));
  }

  private static Set<String> product(Set<String> left, Set<String> right) {
    Set<String> out = new LinkedHashSet<>();
    for (String l : left) {
      for (String r : right) {
        out.add(l + r);
      }
    }
    return out;
  }

  private Info quantified(Info atom) {
    if (!more()) {
      return atom;
    }
    char c = peek();
    Info out;
    if (c == '*') {
      pos++;
      out = Info.ANY;
    } else if (c == '?') {
      pos++;
      out = atom.exact() != null && atom.exact().size() < MAX_EXACT ? new Info(union(atom.exact(), ""), null)
          : Info.ANY;
    } else if (c == '+') {
      pos++;
      out = new Info(null, atom.required());
    } else if (c == '{' && repeatAhead()) {
      int min = repeatMin();
      out = min == 0 ? Info.ANY : new Info(null, atom.required());
    } else {
      return atom;
    }
    if (more() && peek() == '?') {
      pos++; // non-greedy: the same strings
    }
    if (more() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{' && repeatAhead())) {
      throw new Unsupported(); // RE2 refuses a doubled quantifier; never guess
    }
    return out;
  }

  private static Set<String> union(Set<String> set, String extra) {
    Set<String> out = new LinkedHashSet<>(set);
    out.add(extra);
    return out;
  }

  /** RE2 reads {n}, {n,} and {n,m} as a repeat; any other '{' is a literal. */
  private boolean repeatAhead() {
    int i = pos + 1;
    int digits = 0;
    while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
      i++;
      digits++;
    }
    if (digits == 0 || i >= regex.length()) {
      return false;
    }
    if (regex.charAt(i) == ',') {
      i++;
      while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
        i++;
      }
    }
    return i < regex.length() && regex.charAt(i) == '}';
  }

  private int repeatMin() {
    int close = regex.indexOf('}', pos);
    String body = regex.substring(pos + 1, close);
    pos = close + 1;
    int comma = body.indexOf(',');
    return Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
  }

  private Info atom() {
    char c = peek();
    switch (c) {
      case '(':
        return group();
      case '[':
        return characterClass();
      case '\\':
        return escape();
      case '.':
        pos++;
        return Info.ANY;
      case '^':
      case '$':
        pos++;
        return Info.EMPTY;
      case '*':
      case '+':
      case '?':
        throw new Unsupported();
      default:
        pos++;
        return literal(c);
    }
  }

  private static Info literal(char c) {
    if (c >= 0x80) {
      throw new Unsupported(); // case folding may map it onto ASCII (K, the Kelvin sign, folds to k)
    }
    return new Info(Set.of(String.valueOf(c).toLowerCase(Locale.ROOT)), null);
  }

  private Info group() {
    pos++;
    if (more() && peek() == '?') {
      pos++;
      if (more() && (peek() == 'P' || peek() == '<')) {
        int close = regex.indexOf('>', pos);
        if (close < 0) {
          throw new Unsupported();
        }
        pos = close + 1;
      } else {
        while (more() && peek() != ':' && peek() != ')') {
          char flag = peek();
          if ("imsU-".indexOf(flag) < 0) {
            throw new Unsupported();
          }
          pos++;
        }
        if (!more()) {
          throw new Unsupported();
        }
        if (peek() == ')') {
          pos++;
          return Info.EMPTY; // (?i): flags only; the analysis lower-cases anyway
        }
        pos++; // ':'
      }
    }
    Info inner = alternation();
    if (!more() || peek() != ')') {
      throw new Unsupported();
    }
    pos++;
    return inner;
  }

  private Info escape() {
    if (pos + 1 >= regex.length()) {
      throw new Unsupported();
    }
    char c = regex.charAt(pos + 1);
    pos += 2;
    if (c == 'b' || c == 'B' || c == 'A' || c == 'z') {
      return Info.EMPTY;
    }
    if ("dDwWsS".indexOf(c) >= 0) {
      return Info.ANY;
    }
    if (c == 'p' || c == 'P') {
      if (more() && peek() == '{') {
        int close = regex.indexOf('}', pos);
        if (close < 0) {
          throw new Unsupported();
        }
        pos = close + 1;
      } else if (more()) {
        pos++;
      }
      return Info.ANY;
    }
    if (c < 0x80 && !Character.isLetterOrDigit(c)) {
      return literal(c); // an escaped punctuation character stands for itself
    }
    throw new Unsupported();
  }

  private Info characterClass() {
    pos++;
    if (more() && peek() == '^') {
      skipClass();
      return Info.ANY;
    }
    Set<String> chars = new LinkedHashSet<>();
    boolean first = true;
    boolean unbounded = false;
    while (true) {
      if (!more()) {
        throw new Unsupported();
      }
      char c = peek();
      if (c == ']' && !first) {
        pos++;
        break;
      }
      first = false;
      if (c == '[') {
        throw new Unsupported(); // [[:alpha:]]
      }
      int low;
      if (c == '\\') {
        if (pos + 1 >= regex.length()) {
          throw new Unsupported();
        }
        char e = regex.charAt(pos + 1);
        pos += 2;
        if ("dDwWsSpP".indexOf(e) >= 0) {
          if ((e == 'p' || e == 'P') && more() && peek() == '{') {
            int close = regex.indexOf('}', pos);
            if (close < 0) {
              throw new Unsupported();
            }
            pos = close + 1;
          } else if (e == 'p' || e == 'P') {
            pos++;
          }
          unbounded = true;
          continue;
        }
        if (e >= 0x80 || Character.isLetterOrDigit(e)) {
          throw new Unsupported();
        }
        low = e;
      } else {
        pos++;
        low = c;
      }
      int high = low;
      if (more() && peek() == '-' && pos + 1 < regex.length() && regex.charAt(pos + 1) != ']') {
        char h = regex.charAt(pos + 1);
        if (h == '\\' || h == '[') {
          throw new Unsupported();
        }
        high = h;
        pos += 2;
      }
      if (low >= 0x80 || high >= 0x80 || high < low) {
        throw new Unsupported();
      }
      if (high - low >= MAX_CLASS) {
        unbounded = true;
        continue;
      }
      for (int ch = low; ch <= high; ch++) {
        chars.add(String.valueOf((char) ch).toLowerCase(Locale.ROOT));
      }
    }
    return unbounded || chars.size() > MAX_CLASS ? Info.ANY : new Info(chars, null);
  }

  private void skipClass() {
    pos++; // '^'
    boolean first = true;
    while (more()) {
      char c = peek();
      if (c == '\\') {
        pos += 2;
      } else if (c == '[') {
        throw new Unsupported();
      } else if (c == ']' && !first) {
        pos++;
        return;
      } else {
        pos++;
      }
      first = false;
    }
    throw new Unsupported();
  }
}
