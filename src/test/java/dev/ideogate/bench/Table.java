package dev.ideogate.bench;

import java.util.ArrayList;
import java.util.List;

/** A titled Markdown table with notes under it: what each scenario prints and writes to the results file. */
public final class Table {
  private final String title;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public Table(String title, String... header) {
    this.title = title;
    this.header = List.of(header);
  }

  public Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells, header has " + header.size());
    }
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    rows.add(row);
    return this;
  }

  public Table note(String text) {
    notes.add(text);
    return this;
  }

  public String markdown() {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder("### ").append(title).append("\n\n");
    line(out, header, widths);
    StringBuilder rule = new StringBuilder("|");
    for (int width : widths) {
      rule.append(' ').append("-".repeat(width)).append(" |");
    }
    out.append(rule).append('\n');
    rows.forEach(row -> line(out, row, widths));
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(n -> out.append("- ").append(n).append('\n'));
    }
    return out.append('\n').toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths) {
    out.append('|');
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      out.append(' ').append(cell).append(" ".repeat(widths[i] - cell.length())).append(" |");
    }
    out.append('\n');
  }

  /** Milliseconds with two decimals, from microseconds. */
  public static String ms(long micros) {
    return String.format(java.util.Locale.ROOT, "%.2f", micros / 1000.0);
  }
}
