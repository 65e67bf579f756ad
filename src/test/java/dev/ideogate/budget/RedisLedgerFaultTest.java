package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.testing.Await;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis down or frozen: nothing hangs past the command timeout, and the same ledger recovers by itself. */
class RedisLedgerFaultTest {
  private static final BudgetWindow NOV_26 = BudgetWindow.of(LocalDate.of(2026, 11, 26));
  private static final long TIMEOUT_MS = 1000;
  private static final TeamBudget TEAM = new TeamBudget("marketing", 100_000, OptionalLong.empty());

  private RedisServer redis;
  private Vertx vertx;

  @BeforeEach
  void startRedis() {
    redis = RedisServer.startOwned();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopRedis() {
    Await.await(vertx.close());
    redis.close();
  }

  @Test
  void aKilledRedisFailsReservationsWith503WithinTheTimeoutAndTheSameLedgerRecovers() {
    RedisBudgetLedger ledger = ledger(false);
    Await.await(ledger.reserve(TEAM, NOV_26, 10_000));
    redis.kill();

    GatewayException down = timedFailure("reserve, Redis killed", () -> ledger.reserve(TEAM, NOV_26, 10_000));
    assertEquals(ErrorCode.BUDGET_STORE_UNAVAILABLE, down.error());
    assertEquals("budget store unavailable: the budget cannot be confirmed, retry shortly", down.getMessage());
    assertEquals(1L, down.retryAfterS());
    timedFailure("ping, Redis killed", ledger::ping);

    redis.restart();
    assertEquals(10_000, Await.await(ledger.reserve(TEAM, NOV_26, 10_000)).amountMicroUsd());
    Await.await(ledger.ping());
  }

  @Test
  void aFrozenRedisFailsReservationsWith503WithinTheTimeoutAndTheSameLedgerRecovers() {
    RedisBudgetLedger ledger = ledger(false);
    Hold hold = Await.await(ledger.reserve(TEAM, NOV_26, 10_000));
    redis.freeze();

    assertEquals(ErrorCode.BUDGET_STORE_UNAVAILABLE,
        timedFailure("reserve, Redis frozen", () -> ledger.reserve(TEAM, NOV_26, 10_000)).error());
    assertEquals(ErrorCode.BUDGET_STORE_UNAVAILABLE,
        timedFailure("settle, Redis frozen", () -> ledger.settle(hold, 10_000, 1)).error());
    timedFailure("ping, Redis frozen", ledger::ping);

    redis.thaw();
    awaitPing(ledger);
    // The timed-out settle may have run once Redis thawed; a retry must not charge it again.
    Await.await(ledger.settle(hold, 10_000, 1));
    assertEquals(10_000, Await.await(ledger.usage(TEAM, NOV_26)).spentDayMicroUsd());
    assertEquals(10_000, Await.await(ledger.reserve(TEAM, NOV_26, 10_000)).amountMicroUsd());
  }

  private RedisBudgetLedger ledger(boolean failOpen) {
    RedisSettings settings =
        RedisSettings.standalone(redis.url()).withCommandTimeoutMs(TIMEOUT_MS).withFailOpen(failOpen);
    RedisBudgetLedger ledger = new RedisBudgetLedger(vertx, settings, 600_000);
    Await.await(ledger.ping());
    return ledger;
  }

  private static GatewayException timedFailure(String what, Supplier<Future<?>> call) {
    long start = System.nanoTime();
    Throwable failure = Await.failure(call.get());
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("%s: failed after %d ms (%s)%n", what, elapsedMs, failure.getMessage());
    assertTrue(elapsedMs < TIMEOUT_MS, what + " took " + elapsedMs + " ms");
    return assertInstanceOf(GatewayException.class, failure);
  }

  /** A thawed Redis first answers what was queued while it was frozen; the pool needs a moment. */
  private static void awaitPing(RedisBudgetLedger ledger) {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (true) {
      try {
        Await.await(ledger.ping());
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
      }
    }
  }
}
