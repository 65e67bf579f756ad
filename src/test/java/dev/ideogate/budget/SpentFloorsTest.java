package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A floor refuses only what Redis would refuse: spend alone leaves less than the cost, same window, fresh. */
class SpentFloorsTest {
  private static final BudgetWindow NOV_26 = BudgetWindow.of(LocalDate.of(2026, 11, 26));
  private static final BudgetWindow NOV_27 = BudgetWindow.of(LocalDate.of(2026, 11, 27));
  private static final BudgetWindow DEC_01 = BudgetWindow.of(LocalDate.of(2026, 12, 1));
  private static final long T0 = 5_000_000_000L;
  private final SpentFloors floors = new SpentFloors();
  private final TeamBudget daily = new TeamBudget("a", 100_000, OptionalLong.empty());

  @Test
  void refusesWhatSpendAloneLeavesNoRoomForAndSaysWhatWasHeld() {
    floors.refused("a", NOV_26, 90_000, 90_000, 4_000, T0);

    BudgetRefusal refusal = floors.refusal(daily, NOV_26, 10_001, T0 + 1);

    assertEquals(new BudgetRefusal("a", BudgetRefusal.Window.DAY, "2026-11-26", 6_000, 10_001), refusal);
  }

  @Test
  void leavesToRedisWhatHeldAmountsAloneWouldRefuse() {
    floors.refused("a", NOV_26, 90_000, 90_000, 9_000, T0);

    assertNull(floors.refusal(daily, NOV_26, 10_000, T0 + 1), "holds may be released: only Redis can say");
  }

  @Test
  void aRaisedLimitANewDayAndANewTeamFindNoFloor() {
    floors.refused("a", NOV_26, 100_000, 100_000, 0, T0);

    assertNull(floors.refusal(new TeamBudget("a", 200_000, OptionalLong.empty()), NOV_26, 1, T0 + 1));
    assertNull(floors.refusal(daily, NOV_27, 1, T0 + 1));
    assertNull(floors.refusal(new TeamBudget("b", 100_000, OptionalLong.empty()), NOV_26, 1, T0 + 1));
  }

  @Test
  void aFloorOlderThanASecondIsLeftToRedisSoAResetSpendKeyIsSeen() {
    floors.refused("a", NOV_26, 100_000, 100_000, 0, T0);

    assertEquals(BudgetRefusal.Window.DAY, floors.refusal(daily, NOV_26, 1, T0 + SpentFloors.FRESH_NS).window());
    assertNull(floors.refusal(daily, NOV_26, 1, T0 + SpentFloors.FRESH_NS + 1));
  }

  @Test
  void theMonthRefusesWhenItIsTheTighterWindowAndANewMonthFindsNoFloor() {
    TeamBudget monthly = new TeamBudget("a", 1_000_000, OptionalLong.of(500_000));
    floors.refused("a", NOV_26, 10_000, 495_000, 0, T0);

    assertEquals(new BudgetRefusal("a", BudgetRefusal.Window.MONTH, "2026-11", 5_000, 6_000),
        floors.refusal(monthly, NOV_26, 6_000, T0 + 1));
    assertNull(floors.refusal(monthly, NOV_26, 5_000, T0 + 1));
    assertNull(floors.refusal(monthly, DEC_01, 6_000, T0 + 1));
  }
}
