package dev.ideogate.budget;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The calendar day and month a request is accounted in, in the configured time zone. Windows are encoded in key
 * names, so nothing is ever reset: a new day is simply a new key.
 *
 * @param day YYYY-MM-DD
 * @param month YYYY-MM
 */
public record BudgetWindow(String day, String month) {

  public static BudgetWindow of(LocalDate date) {
    String day = date.toString();
    return new BudgetWindow(day, day.substring(0, 7));
  }

  public static BudgetWindow now(Clock clock, ZoneId zone) {
    return of(LocalDate.now(clock.withZone(zone)));
  }
}
