package dev.ideogate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * ErrorCode must be exactly the error table of docs/ARCHITECTURE.md §6, the project's own record of its contracts.
 */
class ErrorCodeTest {
  private static final Pattern STATUS = Pattern.compile("\\b(\\d{3})\\b");
  private static final Pattern CODE = Pattern.compile("`([a-z_]+)`");

  @Test
  void matchesTheErrorTableOfTheDesign() throws IOException {
    Set<String> documented = designTable(Files.readString(designFile(), StandardCharsets.UTF_8));
    Set<String> implemented = Arrays.stream(ErrorCode.values())
        .map(e -> e.status() + " " + e.code())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(documented, implemented);
  }

  @Test
  void namesEachMemberAfterItsCode() {
    for (ErrorCode error : ErrorCode.values()) {
      assertEquals(error.name().toLowerCase(Locale.ROOT), error.code());
    }
  }

  @Test
  void requiresRetryAfterExactlyFor429And503() {
    for (ErrorCode error : ErrorCode.values()) {
      assertEquals(error.status() == 429 || error.status() == 503, error.needsRetryAfter(), error.name());
    }
  }

  /** "status code" pairs of the §6 table; "413 / 415" rows pair their codes by position. */
  static Set<String> designTable(String design) {
    int start = design.indexOf("\n## 6. Errors");
    assertTrue(start >= 0, "docs/ARCHITECTURE.md has no '## 6. Errors' section");
    int end = design.indexOf("\n## ", start + 1);
    String section = design.substring(start, end < 0 ? design.length() : end);
    Set<String> pairs = new TreeSet<>();
    for (String line : section.split("\n")) {
      String[] cells = line.split("\\|");
      if (!line.startsWith("|") || cells.length < 3) {
        continue;
      }
      List<String> statuses = all(STATUS, cells[1]);
      List<String> codes = all(CODE, cells[2]);
      if (statuses.isEmpty() || codes.isEmpty()) {
        continue; // header or separator row
      }
      if (statuses.size() == 1) {
        codes.forEach(code -> pairs.add(statuses.get(0) + " " + code));
      } else if (statuses.size() == codes.size()) {
        for (int i = 0; i < codes.size(); i++) {
          pairs.add(statuses.get(i) + " " + codes.get(i));
        }
      } else {
        fail("cannot pair statuses " + statuses + " with codes " + codes + " in ARCHITECTURE.md §6 row: " + line);
      }
    }
    assertTrue(pairs.size() > 10, "ARCHITECTURE.md §6 table looks empty: " + pairs);
    return pairs;
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static Path designFile() {
    Path path = Path.of("docs", "ARCHITECTURE.md");
    assertTrue(Files.isRegularFile(path), "docs/ARCHITECTURE.md not found from " + Path.of("").toAbsolutePath());
    return path;
  }
}
