package dev.ideogate.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version (from the pom) and git commit this build was made from, read from {@code ideogate-build.properties},
 * which Maven filters at build time. Shown by {@code ideogate -V} and as {@code ideogate_build_info}.
 */
public record BuildInfo(String version, String commit) {
  public static final String UNKNOWN = "unknown";
  private static final BuildInfo CURRENT = read();

  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo read() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/ideogate-build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // An unreadable resource leaves both unknown: build info never stops the gateway.
    }
    return new BuildInfo(filtered(properties.getProperty("version")), filtered(properties.getProperty("commit")));
  }

  /** A value Maven did not substitute (no git at build time, resources not filtered) is "unknown". */
  private static String filtered(String value) {
    return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.trim();
  }
}
