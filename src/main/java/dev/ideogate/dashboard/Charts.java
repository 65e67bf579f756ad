package dev.ideogate.dashboard;

import static dev.ideogate.dashboard.Html.esc;
import static dev.ideogate.dashboard.Html.usd;

import dev.ideogate.budget.DaySpend;
import java.util.List;

/**
 * Inline SVG drawn on the server: no script and no chart library, so the dashboard works air-gapped and under a
 * strict Content-Security-Policy (presentation attributes only, no style attributes). Each chart carries a text
 * alternative ({@code role="img"} and {@code aria-label}) and the figures also appear as text beside it. Pure.
 */
final class Charts {
  /** Spent: blue; 80 % or more: amber; the whole budget: red. Held: a lighter blue after the spent part. */
  private static final String SPENT = "#1d4ed8";
  private static final String WARN = "#b45309";
  private static final String OVER = "#b91c1c";
  private static final String HELD = "#93c5fd";
  private static final String TRACK = "#e5e7eb";
  private static final int BAR_WIDTH = 220;
  private static final int BAR_HEIGHT = 16;

  private Charts() {}

  /** A budget bar: spent, then held, against the budget. */
  static String budgetBar(String label, long spentMicroUsd, long heldMicroUsd, long budgetMicroUsd) {
    int pct = Html.percent(spentMicroUsd + heldMicroUsd, budgetMicroUsd);
    String colour = pct >= 100 ? OVER : pct >= 80 ? WARN : SPENT;
    int spentPx = scaled(spentMicroUsd, budgetMicroUsd, BAR_WIDTH);
    int heldPx = Math.min(BAR_WIDTH - spentPx, scaled(heldMicroUsd, budgetMicroUsd, BAR_WIDTH));
    String text = label + ": " + usd(spentMicroUsd) + " spent and " + usd(heldMicroUsd) + " held of "
        + usd(budgetMicroUsd) + " (" + pct + " %)";
    return "<svg class=\"bar\" width=\"" + BAR_WIDTH + "\" height=\"" + BAR_HEIGHT + "\" role=\"img\" aria-label=\""
        + esc(text) + "\"><title>" + esc(text) + "</title>"
        + "<rect width=\"" + BAR_WIDTH + "\" height=\"" + BAR_HEIGHT + "\" rx=\"3\" fill=\"" + TRACK + "\"/>"
        + "<rect width=\"" + spentPx + "\" height=\"" + BAR_HEIGHT + "\" rx=\"3\" fill=\"" + colour + "\"/>"
        + "<rect x=\"" + spentPx + "\" width=\"" + heldPx + "\" height=\"" + BAR_HEIGHT + "\" fill=\"" + HELD + "\"/>"
        + "</svg>";
  }

  /**
   * Spend per day as columns, oldest left, with the daily budget as a dashed line and a date under every fifth
   * column; each column's exact figures in its tooltip.
   */
  static String dailySpend(List<DaySpend> days, long dailyBudgetMicroUsd) {
    int width = 760;
    int height = 240;
    int left = 64;
    int bottom = 28;
    int top = 12;
    int plotHeight = height - bottom - top;
    long max = Math.max(1, dailyBudgetMicroUsd);
    for (DaySpend day : days) {
      max = Math.max(max, day.spentMicroUsd());
    }
    int slot = days.isEmpty() ? 0 : (width - left - 8) / days.size();
    long total = days.stream().mapToLong(DaySpend::spentMicroUsd).sum();
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" role=\"img\" aria-label=\"").append(esc("Spend per day over the last " + days.size()
            + " days, " + usd(total) + " in all; daily budget " + usd(dailyBudgetMicroUsd))).append("\">");
    int budgetY = top + plotHeight - scaled(dailyBudgetMicroUsd, max, plotHeight);
    for (long tick : new long[] {0, max / 2, max}) {
      int y = top + plotHeight - scaled(tick, max, plotHeight);
      svg.append("<line x1=\"").append(left).append("\" x2=\"").append(width - 4).append("\" y1=\"").append(y)
          .append("\" y2=\"").append(y).append("\" stroke=\"#d1d5db\"/>")
          .append("<text x=\"").append(left - 6).append("\" y=\"").append(y + 4)
          .append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#374151\">").append(usd(tick)).append("</text>");
    }
    for (int i = 0; i < days.size(); i++) {
      DaySpend day = days.get(i);
      int barHeight = scaled(day.spentMicroUsd(), max, plotHeight);
      int x = left + i * slot + 2;
      String fill = day.spentMicroUsd() >= dailyBudgetMicroUsd && dailyBudgetMicroUsd > 0 ? OVER : SPENT;
      svg.append("<rect x=\"").append(x).append("\" y=\"").append(top + plotHeight - barHeight)
          .append("\" width=\"").append(Math.max(1, slot - 4)).append("\" height=\"").append(barHeight)
          .append("\" fill=\"").append(fill).append("\"><title>")
          .append(esc(day.day() + ": " + usd(day.spentMicroUsd()) + ", " + day.images() + " images"))
          .append("</title></rect>");
      if (i % 5 == 0 || i == days.size() - 1) {
        svg.append("<text x=\"").append(x + slot / 2).append("\" y=\"").append(height - 8)
            .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"#374151\">")
            .append(esc(day.day().substring(5))).append("</text>");
      }
    }
    if (dailyBudgetMicroUsd > 0) {
      svg.append("<line x1=\"").append(left).append("\" x2=\"").append(width - 4).append("\" y1=\"")
          .append(budgetY).append("\" y2=\"").append(budgetY)
          .append("\" stroke=\"").append(OVER).append("\" stroke-dasharray=\"6 4\"/>");
    }
    return svg.append("</svg>").toString();
  }

  private static int scaled(long value, long whole, int pixels) {
    if (whole <= 0 || value <= 0) {
      return 0;
    }
    return (int) Math.min(pixels, Math.round((double) value * pixels / whole));
  }
}
