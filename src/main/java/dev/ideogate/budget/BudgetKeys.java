package dev.ideogate.budget;

/**
 * The Redis key schema of ARCHITECTURE.md §7, in one place. Every key of a team carries the hash tag {@code {t:<team>}}, so
 * all of them share one Redis Cluster slot and one script can touch them together.
 */
final class BudgetKeys {
  private final String prefix;

  BudgetKeys(String prefix) {
    if (prefix == null || prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
      throw new IllegalArgumentException("Redis key prefix must be non-blank and free of braces, got '" + prefix + "'");
    }
    this.prefix = prefix;
  }

  String spentDay(String team, String day) {
    return team(team) + "spent:d:" + day;
  }

  String spentMonth(String team, String month) {
    return team(team) + "spent:m:" + month;
  }

  String imagesDay(String team, String day) {
    return team(team) + "images:d:" + day;
  }

  String imagesMonth(String team, String month) {
    return team(team) + "images:m:" + month;
  }

  String held(String team) {
    return team(team) + "held";
  }

  String holds(String team) {
    return team(team) + "holds";
  }

  String holdAmounts(String team) {
    return team(team) + "holds:amt";
  }

  String holdsExpired(String team) {
    return team(team) + "holds_expired";
  }

  private String team(String team) {
    // A brace in a team id would move the hash tag and split the team's keys across slots.
    if (team.isEmpty() || team.indexOf('{') >= 0 || team.indexOf('}') >= 0) {
      throw new IllegalArgumentException("team id must be non-empty and free of braces, got '" + team + "'");
    }
    return prefix + ":{t:" + team + "}:";
  }
}
