package dev.ideogate.config;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A client key entry as the keys commands print it, one flow-style YAML line that {@link ConfigLoader} reads back:
 * {@code - { id: …, sha256: "…", scopes: [...], createdAt: "…", expiresAt: "…" }}.
 *
 * @param expires as the operator typed it (a date or an ISO instant), or null
 */
public record KeyEntry(String id, Set<String> scopes, Instant createdAt, String expires) {

  /** What is wrong with it, in the words of the CLI options; empty when it can be printed. */
  public List<String> check(boolean admin) {
    List<String> problems = new ArrayList<>();
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      problems.add("--id must match [A-Za-z0-9][A-Za-z0-9._-]*");
    }
    for (String scope : scopes) {
      if (!admin && !TeamReader.TEAM_SCOPES.contains(scope)) {
        problems.add("unknown scope '" + scope + "', expected any of " + String.join(", ", TeamReader.TEAM_SCOPES)
            + " (or admin alone)");
      }
    }
    if (scopes.isEmpty()) {
      problems.add("--scopes must not be empty");
    }
    if (expires != null) {
      try {
        if (!ConfigSection.parseInstant(expires).isAfter(createdAt)) {
          problems.add("--expires is not in the future");
        }
      } catch (DateTimeParseException e) {
        problems.add("--expires must be a date (2027-03-01) or an ISO instant (2027-03-01T12:00:00Z)");
      }
    }
    return problems;
  }

  public String yaml(String sha256, boolean admin) {
    if (admin) {
      return "- { id: " + id + ", sha256: \"" + sha256 + "\" }";
    }
    return "- { id: " + id + ", sha256: \"" + sha256 + "\", scopes: [" + String.join(", ", scopes)
        + "], createdAt: \"" + createdAt + "\"" + (expires == null ? "" : ", expiresAt: \"" + expires + "\"") + " }";
  }
}
