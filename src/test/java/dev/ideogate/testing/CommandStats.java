package dev.ideogate.testing;

import dev.ideogate.redis.RedisConnector;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Redis' own count of the commands it executed ({@code INFO commandstats}; commands a script runs count too). */
public final class CommandStats {
  private static final Pattern CALLS = Pattern.compile("cmdstat_([a-z|_]+):calls=(\\d+)");

  private CommandStats() {}

  /** Calls per command name (lower case) since the server started or its stats were reset. */
  public static Map<String, Long> calls(RedisConnector redis) {
    String info = Await.await(redis.send("INFO", "commandstats")).asString();
    Map<String, Long> stats = new TreeMap<>();
    Matcher matcher = CALLS.matcher(info);
    while (matcher.find()) {
      stats.put(matcher.group(1), Long.parseLong(matcher.group(2)));
    }
    return stats;
  }
}
