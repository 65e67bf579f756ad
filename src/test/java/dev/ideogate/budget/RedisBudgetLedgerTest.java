package dev.ideogate.budget;

import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The ledger contract against a real Redis. */
class RedisBudgetLedgerTest extends BudgetLedgerContract {
  private static RedisServer redis;
  private static Vertx vertx;
  private final List<BudgetLedger> ledgers = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() {
    Await.await(vertx.close());
    redis.close();
  }

  @AfterEach
  void closeLedgers() {
    ledgers.forEach(ledger -> Await.await(ledger.close()));
  }

  @Override
  BudgetLedger ledger(long leaseMs) {
    RedisSettings settings = RedisSettings.standalone(redis.url()).withKeyPrefix("test-" + UUID.randomUUID());
    RedisBudgetLedger ledger = new RedisBudgetLedger(vertx, settings, leaseMs);
    ledgers.add(ledger);
    return ledger;
  }

  @Override
  void outliveLease(long leaseMs) {
    ledgers.forEach(ledger -> ((RedisBudgetLedger) ledger).stopRenewing());
    try {
      Thread.sleep(leaseMs + 50); // Redis TIME cannot be moved; the lease is short instead
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
