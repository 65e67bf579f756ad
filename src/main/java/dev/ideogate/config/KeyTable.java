package dev.ideogate.config;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The configured keys as {@code keys list} shows them: hashes cut to 8 hex, a status that says what to do. */
public final class KeyTable {
  private static final String FORMAT = "%-28s %-14s %-62s %-20s %-20s %-9s %s%n";

  /** One key; team null = admin key. */
  public record Row(String id, String team, Set<String> scopes, Instant createdAt, Instant expiresAt, String sha256) {}

  private KeyTable() {}

  public static List<Row> rows(GatewayConfig config) {
    List<Row> rows = new ArrayList<>();
    for (TeamConfig team : config.teams().values()) {
      for (ClientKeyConfig key : team.clientKeys()) {
        rows.add(new Row(key.id(), team.id(), key.scopes(), key.createdAt(), key.expiresAt(), key.sha256()));
      }
    }
    for (GatewayConfig.AdminKey key : config.adminKeys()) {
      rows.add(new Row(key.id(), null, Set.of("admin"), null, null, key.sha256()));
    }
    return rows;
  }

  public static void print(GatewayConfig config, Instant now, PrintWriter out) {
    out.printf(FORMAT, "ID", "TEAM", "SCOPES", "CREATED", "EXPIRES", "SHA256", "STATUS");
    Duration rotateAfter = Duration.ofDays(config.security().rotateAfterDays());
    for (Row row : rows(config)) {
      out.printf(FORMAT, row.id(), row.team() == null ? "(admin)" : row.team(), String.join(",", row.scopes()),
          time(row.createdAt(), "-"), time(row.expiresAt(), "never"), row.sha256().substring(0, 8) + "…",
          status(row, now, rotateAfter));
    }
  }

  private static String status(Row row, Instant now, Duration rotateAfter) {
    if (row.expiresAt() != null && !now.isBefore(row.expiresAt())) {
      return "expired";
    }
    if (row.createdAt() != null && row.createdAt().plus(rotateAfter).isBefore(now)) {
      return "rotate (older than " + rotateAfter.toDays() + " days)";
    }
    return "ok";
  }

  /** A date when the instant is a midnight UTC (how expiries are usually written), else the instant. */
  private static String time(Instant instant, String absent) {
    if (instant == null) {
      return absent;
    }
    if (instant.atOffset(ZoneOffset.UTC).toLocalTime().toSecondOfDay() == 0) {
      return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
    return instant.toString();
  }
}
