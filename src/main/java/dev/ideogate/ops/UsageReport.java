package dev.ideogate.ops;

import dev.ideogate.api.MicroUsd;
import dev.ideogate.budget.TeamUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The usage report of ARCHITECTURE.md §9, for team leads and SREs: per team and window, budget, spent, held, remaining,
 * utilisation and images, as JSON-ready maps or as an aligned text table. Pure formatting.
 */
public final class UsageReport {
  private UsageReport() {}

  /** One row: a team in one window. */
  public record Row(
      String team, String window, String period, long budgetMicroUsd, long spentMicroUsd, long heldMicroUsd,
      long remainingMicroUsd, long images) {
    /** Spent and held over budget, in percent with one decimal. */
    public String utilisationPct() {
      if (budgetMicroUsd == 0) {
        return spentMicroUsd + heldMicroUsd == 0 ? "0.0" : "100.0";
      }
      return BigDecimal.valueOf((spentMicroUsd + heldMicroUsd) * 100L)
          .divide(BigDecimal.valueOf(budgetMicroUsd), 1, RoundingMode.HALF_UP)
          .toPlainString();
    }
  }

  public static List<Row> rows(TeamUsage usage) {
    List<Row> rows = new ArrayList<>();
    long remaining = usage.remainingMicroUsd();
    rows.add(new Row(usage.team(), "day", usage.day(), usage.dailyLimitMicroUsd(), usage.spentDayMicroUsd(),
        usage.heldMicroUsd(), Math.max(0, Math.min(remaining,
            usage.dailyLimitMicroUsd() - usage.spentDayMicroUsd() - usage.heldMicroUsd())), usage.imagesDay()));
    if (usage.monthlyLimitMicroUsd().isPresent()) {
      long limit = usage.monthlyLimitMicroUsd().getAsLong();
      rows.add(new Row(usage.team(), "month", usage.month(), limit, usage.spentMonthMicroUsd(), usage.heldMicroUsd(),
          Math.max(0, limit - usage.spentMonthMicroUsd() - usage.heldMicroUsd()), usage.imagesMonth()));
    }
    return rows;
  }

  /** JSON-ready map of one team. */
  public static Map<String, Object> json(TeamUsage usage, String timezone) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("team", usage.team());
    out.put("timezone", timezone);
    out.put("remaining_usd", MicroUsd.format(usage.remainingMicroUsd()));
    out.put("held_usd", MicroUsd.format(usage.heldMicroUsd()));
    out.put("holds_expired", usage.holdsExpired());
    List<Map<String, Object>> windows = new ArrayList<>();
    for (Row row : rows(usage)) {
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("window", row.window());
      w.put("period", row.period());
      w.put("budget_usd", MicroUsd.format(row.budgetMicroUsd()));
      w.put("spent_usd", MicroUsd.format(row.spentMicroUsd()));
      w.put("held_usd", MicroUsd.format(row.heldMicroUsd()));
      w.put("remaining_usd", MicroUsd.format(row.remainingMicroUsd()));
      w.put("utilisation_pct", Double.parseDouble(row.utilisationPct()));
      w.put("images", row.images());
      windows.add(w);
    }
    out.put("windows", windows);
    return out;
  }

  /** An aligned text table, one line per team and window, readable at a glance in a terminal. */
  public static String table(List<TeamUsage> usages) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"TEAM", "WINDOW", "PERIOD", "BUDGET", "SPENT", "HELD", "REMAINING", "USED%", "IMAGES"});
    for (TeamUsage usage : usages) {
      for (Row row : rows(usage)) {
        lines.add(new String[] {row.team(), row.window(), row.period(), MicroUsd.format(row.budgetMicroUsd()),
            MicroUsd.format(row.spentMicroUsd()), MicroUsd.format(row.heldMicroUsd()),
            MicroUsd.format(row.remainingMicroUsd()), row.utilisationPct(), Long.toString(row.images())});
      }
    }
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        boolean numeric = i >= 3;
        String cell = numeric ? " ".repeat(widths[i] - line[i].length()) + line[i]
            : line[i] + " ".repeat(widths[i] - line[i].length());
        out.append(cell).append(i + 1 < line.length ? "  " : "\n");
      }
    }
    return out.toString();
  }
}
