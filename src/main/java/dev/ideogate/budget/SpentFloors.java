package dev.ideogate.budget;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the last budget refusal from Redis said a team had settled, so the next requests of a team that is out of
 * budget are refused without a round trip (ARCHITECTURE.md §7, "local refusals").
 *
 * <p>Why a refusal from this floor is exact, not a guess: within one window, settled spend only grows (settle and
 * reclaim add to it, nothing subtracts), and Redis refuses whenever {@code spent + held + cost > limit}. So when the
 * spend this replica last saw already leaves less than {@code cost} under the limit the team has now, Redis would
 * refuse too, whatever is held. A raised limit is seen at once (limits are passed in on every check); a new day or
 * month is another window and finds no floor. The one thing that lowers spend is an operator deleting the key, so a
 * floor is trusted for {@link #FRESH_NS} only: after that the next refusal comes from Redis again and renews it.
 *
 * <p>Plain Java, no I/O; thread-safe.
 */
final class SpentFloors {
  /** How long a floor answers for Redis: an operator's reset of a spend key is seen within this. */
  static final long FRESH_NS = 1_000_000_000L;
  private static final int PRUNE_ABOVE = 10_000;

  /** One refusal's view of a team: settled spend of its day and month windows, and what it held then. */
  private record Floor(String day, long spentDay, String month, long spentMonth, long held, long seenAtNs) {}

  private final Map<String, Floor> floors = new ConcurrentHashMap<>();

  /** Remembers what a refusal from Redis read for {@code team} in {@code window}. */
  void refused(String team, BudgetWindow window, long spentDay, long spentMonth, long held, long nowNs) {
    if (floors.size() > PRUNE_ABOVE) {
      floors.values().removeIf(floor -> nowNs - floor.seenAtNs() > FRESH_NS);
    }
    floors.put(team, new Floor(window.day(), spentDay, window.month(), spentMonth, held, nowNs));
  }

  /**
   * The refusal Redis would give a new hold of {@code costMicroUsd} for {@code team}, or null when the floor cannot
   * tell (none, stale, another window, or room left under the limit). Its remaining counts what was held at the
   * last refusal: a snapshot, as every remaining is.
   */
  BudgetRefusal refusal(TeamBudget team, BudgetWindow window, long costMicroUsd, long nowNs) {
    Floor floor = floors.get(team.team());
    if (floor == null || nowNs - floor.seenAtNs() > FRESH_NS || !floor.day().equals(window.day())
        || !floor.month().equals(window.month())) {
      return null;
    }
    long dayLeft = team.dailyLimitMicroUsd() - floor.spentDay();
    if (costMicroUsd > dayLeft) {
      return BudgetRefusal.of(team.team(), BudgetRefusal.Window.DAY, window,
          Math.max(0, dayLeft - floor.held()), costMicroUsd);
    }
    if (team.monthlyLimitMicroUsd().isPresent()) {
      long monthLeft = team.monthlyLimitMicroUsd().getAsLong() - floor.spentMonth();
      if (costMicroUsd > monthLeft) {
        return BudgetRefusal.of(team.team(), BudgetRefusal.Window.MONTH, window,
            Math.max(0, monthLeft - floor.held()), costMicroUsd);
      }
    }
    return null;
  }
}
