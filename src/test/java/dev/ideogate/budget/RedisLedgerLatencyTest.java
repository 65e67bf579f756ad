package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Prints p50/p99 of reserve and settle, one call at a time on an event loop against a local Redis. A measurement,
 * not a gate: it asserts only that every call succeeded (ARCHITECTURE.md §12: never gate CI on a timing).
 */
class RedisLedgerLatencyTest {
  private static final BudgetWindow NOV_26 = BudgetWindow.of(LocalDate.of(2026, 11, 26));
  private static final int WARMUP = 500;
  private static final int MEASURED = 3000;

  @Test
  void printsReserveAndSettleLatencyPercentiles() {
    try (RedisServer redis = RedisServer.start()) {
      Vertx vertx = Vertx.vertx();
      try {
        RedisSettings settings = RedisSettings.standalone(redis.url()).withKeyPrefix("test-" + UUID.randomUUID());
        RedisBudgetLedger ledger = new RedisBudgetLedger(vertx, settings, 600_000);
        TeamBudget team = new TeamBudget("marketing", 1_000_000_000_000L, OptionalLong.of(1_000_000_000_000L));
        long[] reserveNs = new long[WARMUP + MEASURED];
        long[] settleNs = new long[WARMUP + MEASURED];
        Promise<Void> done = Promise.promise();
        vertx.runOnContext(v -> step(ledger, team, 0, reserveNs, settleNs, done));
        Await.await(done.future());

        System.out.printf("ledger latency over %d sequential calls on local Redis: reserve %s, settle %s%n",
            MEASURED, percentiles(reserveNs), percentiles(settleNs));
        assertEquals(MEASURED * 40_000L, Await.await(ledger.usage(team, NOV_26)).spentDayMicroUsd()
            - WARMUP * 40_000L);
      } finally {
        Await.await(vertx.close());
      }
    }
  }

  private static void step(
      BudgetLedger ledger, TeamBudget team, int i, long[] reserveNs, long[] settleNs, Promise<Void> done) {
    if (i == reserveNs.length) {
      done.complete();
      return;
    }
    long start = System.nanoTime();
    ledger.reserve(team, NOV_26, 40_000)
        .compose(hold -> {
          long reserved = System.nanoTime();
          reserveNs[i] = reserved - start;
          return ledger.settle(hold, 40_000, 1).andThen(ok -> settleNs[i] = System.nanoTime() - reserved);
        })
        .<Void>mapEmpty()
        .onSuccess(ok -> step(ledger, team, i + 1, reserveNs, settleNs, done))
        .onFailure(done::fail);
  }

  private static String percentiles(long[] allNs) {
    long[] measured = Arrays.copyOfRange(allNs, WARMUP, allNs.length);
    Arrays.sort(measured);
    return String.format("p50 %d µs / p99 %d µs", measured[measured.length / 2] / 1000,
        measured[(int) (measured.length * 0.99)] / 1000);
  }
}
