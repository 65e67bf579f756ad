package dev.ideogate.async;

import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.Hold;
import dev.ideogate.budget.Quote;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the gateway remembers of one async generation from its acceptance to its settlement: whose it is, the
 * budget hold that pays for it, its price, and where the client wants the result.
 *
 * @param clientWebhookUrl where to deliver the result; empty = the client polls
 * @param deadlineMs when the reconciler polls upstream if no callback has settled it
 */
public record AsyncGeneration(
    String generationId,
    String team,
    String holdId,
    long heldMicroUsd,
    String day,
    String month,
    String priceKey,
    long unitMicroUsd,
    int units,
    String clientWebhookUrl,
    long createdAtMs,
    long deadlineMs) {

  /** Generation ids go into Redis keys and URLs: a conservative charset, no braces. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  public AsyncGeneration {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(holdId, "holdId");
    if (!validId(generationId)) {
      throw new IllegalArgumentException("generation id must match " + ID.pattern());
    }
    clientWebhookUrl = clientWebhookUrl == null ? "" : clientWebhookUrl;
  }

  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public Hold hold() {
    return new Hold(holdId, team, new BudgetWindow(day, month), heldMicroUsd, 0);
  }

  public Quote quote() {
    return new Quote(priceKey, unitMicroUsd, units, unitMicroUsd * units);
  }

  public boolean wantsDelivery() {
    return !clientWebhookUrl.isEmpty();
  }
}
