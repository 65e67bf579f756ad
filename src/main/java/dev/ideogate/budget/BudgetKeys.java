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

  /** {@code rate:<bucket>}: a GCRA bucket's tat, the key {@code rate_limit.lua} keeps too (ARCHITECTURE.md §7). */
  String rate(String team, String bucket) {
    return team(team) + "rate:" + bucket;
  }

  /**
   * {@code holds:amt}, the hash in which replicas before self-describing members wrote each hold's amount and windows;
   * read only by the reclaim, so holds of old replicas are charged during a rolling upgrade (ARCHITECTURE.md §7).
   */
  String legacyHoldAmounts(String team) {
    return team(team) + "holds:amt";
  }

  String holdsExpired(String team) {
    return team(team) + "holds_expired";
  }

  /**
   * The hold's member in the team's {@code holds} zset: {@code <hold id>|<amount µUSD>|<spent_day key>|<spent_month
   * key>}, so settle, release, renewal and reclaim need no other key to know what the hold holds and where it is
   * charged (ARCHITECTURE.md §7).
   */
  String member(Hold hold) {
    return member(hold.team(), hold.id(), hold.amountMicroUsd(), hold.window());
  }

  String member(String team, String holdId, long amountMicroUsd, BudgetWindow window) {
    checkHold(team, holdId);
    return holdId + "|" + amountMicroUsd + "|" + spentDay(team, window.day()) + "|" + spentMonth(team, window.month());
  }

  /** Fails unless {@code holdId} of {@code team} can be a member: checked before any I/O, without building it. */
  void checkHold(String team, String holdId) {
    if (holdId.isEmpty() || holdId.indexOf('|') >= 0 || team.indexOf('|') >= 0) {
      throw new IllegalArgumentException("hold id and team must be non-empty and free of '|', got '" + holdId
          + "' of team '" + team + "'");
    }
    checkTeam(team);
  }

  /** The hold a member of {@code team}'s {@code holds} describes, or null when it is not one of this schema. */
  Hold holdOf(String team, String member, long remainingMicroUsd) {
    String[] parts = member.split("\\|", -1);
    String dayPrefix = spentDay(team, "");
    String monthPrefix = spentMonth(team, "");
    if (parts.length != 4 || !parts[1].matches("\\d{1,16}") || !parts[2].startsWith(dayPrefix)
        || !parts[3].startsWith(monthPrefix)) {
      return null;
    }
    BudgetWindow window = new BudgetWindow(parts[2].substring(dayPrefix.length()),
        parts[3].substring(monthPrefix.length()));
    return new Hold(parts[0], team, window, Long.parseLong(parts[1]), remainingMicroUsd);
  }

  private String team(String team) {
    checkTeam(team);
    return prefix + ":{t:" + team + "}:";
  }

  private static void checkTeam(String team) {
    // A brace in a team id would move the hash tag and split the team's keys across slots.
    if (team.isEmpty() || team.indexOf('{') >= 0 || team.indexOf('}') >= 0) {
      throw new IllegalArgumentException("team id must be non-empty and free of braces, got '" + team + "'");
    }
  }
}
