package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each Lua header declares exactly the KEYS[i] and ARGV[i] its body uses, numbered from 1 without gaps. */
class LuaHeaderTest {
  private static final Path LUA = Path.of("src/main/resources/lua");

  static List<Path> scripts() throws IOException {
    try (Stream<Path> files = Files.list(LUA)) {
      return files.filter(f -> f.toString().endsWith(".lua")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void headerDeclaresExactlyTheKeysAndArgumentsTheBodyUses(Path script) throws IOException {
    String text = Files.readString(script);
    int end = text.indexOf("]]");
    assertTrue(text.startsWith("--[[") && end > 0, script + " must open with a --[[ ... ]] header");
    String header = text.substring(0, end);
    String body = text.substring(end + 2);

    for (String array : List.of("KEYS", "ARGV")) {
      SortedSet<Integer> declared = indices(array, header, true);
      SortedSet<Integer> used = indices(array, body, false);
      assertEquals(declared, used, script.getFileName() + ": " + array + " declared vs used");
      assertEquals(declared.isEmpty() ? 0 : declared.last(), declared.size(),
          script.getFileName() + ": " + array + " must be numbered 1..n without gaps");
    }
    assertTrue(header.contains("Output:"), script + " header must describe its reply");
    assertTrue(header.contains("Invariant:"), script + " header must state its invariant");
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void everyAmountOrDurationArgumentNamesItsUnit(Path script) throws IOException {
    String header = Files.readString(script).split("]]", 2)[0];
    Matcher lines = Pattern.compile("(?m)^\\s*ARGV\\[\\d+]\\s+(\\w+)\\s+(.*)$").matcher(header);
    while (lines.find()) {
      String name = lines.group(1);
      boolean money = name.contains("amount") || name.contains("limit") || name.contains("charge");
      boolean time = name.endsWith("_ms");
      if (money) {
        assertTrue(lines.group(2).contains("µUSD"), script.getFileName() + ": " + name + " must say µUSD");
      }
      if (time) {
        assertTrue(lines.group(2).contains("ms"), script.getFileName() + ": " + name + " must say ms");
      }
    }
  }

  /**
   * A time of day comes from Redis: its own TIME, or {@code now_ms}, Redis' TIME as the replica sees it
   * ({@code redis.RedisClock}), with TIME read by the script itself when that is still unknown (-1).
   */
  @ParameterizedTest
  @MethodSource("scripts")
  void timeComesFromRedisNeverFromTheCallersClock(Path script) throws IOException {
    String text = Files.readString(script);
    String header = text.split("]]", 2)[0];
    Matcher args = Pattern.compile("(?m)^\\s*ARGV\\[\\d+]\\s+(\\w+)\\s+(.*)$").matcher(header);
    while (args.find()) {
      String name = args.group(1);
      if (name.equals("now_ms")) {
        assertTrue(args.group(2).contains("RedisClock") && args.group(2).contains("-1"),
            script.getFileName() + ": now_ms must be Redis' TIME as the replica sees it (RedisClock), or -1");
        assertTrue(text.contains("if now_ms < 0 then") && text.contains("redis.call('TIME')"),
            script.getFileName() + ": when now_ms is -1 the script must read TIME itself");
        continue;
      }
      assertTrue(!name.startsWith("now") && !name.endsWith("_at_ms") && !name.endsWith("_at"),
          script.getFileName() + ": " + name + " passes a time of day; take it from Redis (TIME or now_ms)");
    }
    if (text.contains("redis.call('TIME')")) {
      assertTrue(header.contains("effects") && header.contains("replication"),
          script.getFileName() + " reads TIME then writes: its header must say effects replication covers it");
    }
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void everyScriptHasItsOwnJavaClass(Path script) throws IOException {
    String name = script.getFileName().toString().replace(".lua", "");
    String load = "LuaScript.load(\"" + name + "\")";
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java/dev/ideogate"))) {
      List<Path> loaders = sources.filter(f -> f.toString().endsWith("Script.java")).filter(f -> {
        try {
          return Files.readString(f).contains(load);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
      assertEquals(1, loaders.size(), name + ".lua must be loaded by exactly one *Script class, found " + loaders);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"reserve", "settle", "release", "hold_reclaim"})
  void theHoldFamilySharesOneKeyOrder(String name) throws IOException {
    String header = Files.readString(LUA.resolve(name + ".lua")).split("]]", 2)[0];
    for (String[] key : new String[][] {{"1", "held"}, {"2", "holds"}}) {
      assertTrue(Pattern.compile("(?m)^\\s*KEYS\\[" + key[0] + "]\\s+" + key[1] + "\\s").matcher(header).find(),
          name + ".lua: KEYS[" + key[0] + "] must be " + key[1]);
    }
  }

  // In the header a declaration starts a line ("  KEYS[3] held ..."); in the body any use counts.
  private static SortedSet<Integer> indices(String array, String text, boolean declarationsOnly) {
    String index = array + "\\[(\\d+)]";
    Pattern pattern = Pattern.compile(declarationsOnly ? "(?m)^\\s*" + index : index);
    SortedSet<Integer> found = new TreeSet<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(Integer.parseInt(matcher.group(1)));
    }
    return found;
  }
}
