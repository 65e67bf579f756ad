package dev.ideogate;

import dev.ideogate.async.AsyncSettings;
import dev.ideogate.async.AsyncStore;
import dev.ideogate.async.DeliveryQueue;
import dev.ideogate.async.DeliveryStats;
import dev.ideogate.async.InMemoryAsyncStore;
import dev.ideogate.async.InMemoryDeliveryQueue;
import dev.ideogate.async.RedisAsyncStore;
import dev.ideogate.async.RedisDeliveryQueue;
import dev.ideogate.batch.BatchStore;
import dev.ideogate.batch.InMemoryBatchStore;
import dev.ideogate.batch.RedisBatchStore;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.InMemoryBudgetLedger;
import dev.ideogate.budget.RedisBudgetLedger;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.dispatch.LocalPermitStore;
import dev.ideogate.dispatch.PermitStore;
import dev.ideogate.dispatch.RedisPermitStore;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ingress.IngressGuards;
import dev.ideogate.ingress.KeyAdminRoutes;
import dev.ideogate.ops.GatewayMetrics;
import dev.ideogate.ops.LocalReplicaRegistry;
import dev.ideogate.ops.RedisReplicaRegistry;
import dev.ideogate.ops.ReplicaRegistry;
import dev.ideogate.policy.InMemoryKeyUsageStore;
import dev.ideogate.policy.InMemoryRateLimitStore;
import dev.ideogate.policy.InMemoryRevocationStore;
import dev.ideogate.policy.InMemorySessionStore;
import dev.ideogate.policy.KeyUsageStore;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.policy.RedisKeyUsageStore;
import dev.ideogate.policy.RedisRateLimitStore;
import dev.ideogate.policy.RedisRevocationStore;
import dev.ideogate.policy.RedisSessionStore;
import dev.ideogate.policy.RevocationStore;
import dev.ideogate.policy.SessionStore;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Collection;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Every store of one gateway, chosen once (ARCHITECTURE.md §7, the store table): in Redis, shared by every replica,
 * when {@code redis.url} is set, else in memory for a single replica. The Redis stores share one connection pool
 * ({@link RedisConnector}); only pub/sub keeps its own connection (the permits' freed channel, the revocation
 * channel), since a subscribed connection takes no other command. One {@link Clock} for every local store.
 *
 * <p>{@code redis.failMode: open} puts the budget ledger, the rate limits and the lane permits under one rule,
 * {@link FailOpen}: while Redis does not answer, each replica enforces alone on local stores. {@code closed} (the
 * default) answers 503 {@code budget_store_unavailable}. Key usage, revocations and the async stores have no local
 * stand-in: their Redis errors are handled where they are used.
 */
public final class Stores {
  /** Local holds taken while failing open carry this prefix, so settle and release find their ledger. */
  static final String LOCAL_HOLD_PREFIX = "local-";
  /** Lease of a hold in a local (in-memory) ledger: one hour, longer than any call. */
  static final long LOCAL_HOLD_LEASE_MS = 3_600_000;

  private final Clock clock;
  private final RedisConnector redis;
  private final BudgetLedger ledger;
  /** The Redis ledger (also under fail-open), or null without Redis: its reaper needs the configured teams. */
  private final RedisBudgetLedger redisLedger;
  private final PermitStore permits;
  private final long permitHeartbeatMs;
  private final RateLimitStore rateLimits;
  private final KeyUsageStore keyUsage;
  private final RevocationStore revocations;
  private final AsyncStore asyncStore;
  private final DeliveryQueue deliveries;
  private final BatchStore batches;
  private final SessionStore sessions;
  private final ReplicaRegistry replicas;
  private final DeliveryStats deliveryStats = new DeliveryStats();
  private final String replica = "replica-" + UUID.randomUUID();

  private Stores(Vertx vertx, GatewayConfig config, Clock clock, AsyncSettings timing, GatewayMetrics metrics) {
    this.clock = clock;
    GatewayConfig.Redis redisConfig = config.redis();
    long holdLeaseMs = redisConfig.holdLease().toMillis();
    // A local hold dies with its replica and is never renewed: its lease only guards against a settle that never
    // comes, so it outlives any call (queue wait and retries included) instead of being redis.holdLease.
    long localHoldLeaseMs = Math.max(holdLeaseMs, LOCAL_HOLD_LEASE_MS);
    if (!redisConfig.enabled()) {
      this.redis = null;
      this.redisLedger = null;
      this.ledger = new InMemoryBudgetLedger(clock::millis, localHoldLeaseMs);
      this.permits = new LocalPermitStore();
      this.permitHeartbeatMs = 0;
      this.rateLimits = InMemoryRateLimitStore.of(clock);
      this.keyUsage = new InMemoryKeyUsageStore(clock);
      this.revocations = new InMemoryRevocationStore();
      this.asyncStore = new InMemoryAsyncStore(clock::millis, timing.recordTtlMs());
      this.deliveries = new InMemoryDeliveryQueue(clock::millis);
      this.batches = new InMemoryBatchStore();
      this.sessions = new InMemorySessionStore(clock, SessionStore.IDLE, SessionStore.LIFETIME,
          InMemorySessionStore.MAX_SESSIONS);
      this.replicas = new LocalReplicaRegistry(replica, clock);
      return;
    }
    RedisSettings settings = RedisSettings.of(redisConfig);
    String prefix = settings.keyPrefix();
    this.redis = new RedisConnector(vertx, settings);
    RedisBudgetLedger sharedLedger = new RedisBudgetLedger(redis, prefix, holdLeaseMs);
    this.redisLedger = sharedLedger;
    RedisPermitStore sharedPermits =
        new RedisPermitStore(vertx, redis, settings, config.upstream().permitLease().toMillis());
    RedisRateLimitStore sharedRateLimits = new RedisRateLimitStore(redis, prefix);
    if (redisConfig.failOpen()) {
      this.ledger = new FailOpenLedger(sharedLedger,
          new InMemoryBudgetLedger(clock::millis, localHoldLeaseMs, LOCAL_HOLD_PREFIX), new FailOpen("budget", clock, metrics));
      this.permits = new FailOpenPermits(sharedPermits, new LocalPermitStore(), new FailOpen("permits", clock, metrics));
      this.rateLimits = new FailOpenRateLimits(sharedRateLimits, InMemoryRateLimitStore.of(clock),
          new FailOpen("rate_limits", clock, metrics));
    } else {
      this.ledger = sharedLedger;
      this.permits = sharedPermits;
      this.rateLimits = sharedRateLimits;
    }
    // Redis leases are renewed by heartbeat; a local permit lives as long as its call.
    this.permitHeartbeatMs = config.upstream().permitHeartbeat().toMillis();
    this.keyUsage = new RedisKeyUsageStore(redis, prefix, clock);
    this.revocations = new RedisRevocationStore(vertx, redis, settings);
    this.asyncStore = new RedisAsyncStore(redis, prefix, timing.recordTtlMs());
    this.deliveries = new RedisDeliveryQueue(redis, prefix, replica, timing.reclaimIdleMs(), deliveryStats,
        clock);
    this.batches = new RedisBatchStore(redis, prefix);
    this.sessions = new RedisSessionStore(redis, prefix, clock, SessionStore.IDLE, SessionStore.LIFETIME);
    this.replicas = new RedisReplicaRegistry(vertx, redis, prefix, replica);
  }

  /** The stores of {@code config}; fail-open state is reported to {@code metrics}. */
  public static Stores create(Vertx vertx, GatewayConfig config, Clock clock, AsyncSettings timing,
      GatewayMetrics metrics) {
    return new Stores(vertx, config, clock, timing, metrics);
  }

  public Clock clock() {
    return clock;
  }

  public BudgetLedger ledger() {
    return ledger;
  }

  /**
   * The teams whose expired Redis holds this replica's reaper charges (ARCHITECTURE.md §7): the configured ones, read
   * at every beat so a reload applies. Nothing to do without Redis (a local hold dies with its replica).
   */
  void reapHoldsOf(Supplier<? extends Collection<String>> teams) {
    if (redisLedger != null) {
      redisLedger.reapHoldsOf(teams);
    }
  }

  public PermitStore permits() {
    return permits;
  }

  /** How often a lane renews a Redis permit lease; 0 without Redis (local permits have no lease). */
  public long permitHeartbeatMs() {
    return permitHeartbeatMs;
  }

  public RateLimitStore rateLimits() {
    return rateLimits;
  }

  public KeyUsageStore keyUsage() {
    return keyUsage;
  }

  public RevocationStore revocations() {
    return revocations;
  }

  public AsyncStore asyncStore() {
    return asyncStore;
  }

  /** Batch jobs and their lines (ARCHITECTURE.md §13). */
  public BatchStore batches() {
    return batches;
  }

  public DeliveryQueue deliveries() {
    return deliveries;
  }

  /** The dashboard's sign-in sessions. */
  public SessionStore sessions() {
    return sessions;
  }

  /** The replicas seen alive (heartbeats), for the dashboard. */
  public ReplicaRegistry replicas() {
    return replicas;
  }

  public DeliveryStats deliveryStats() {
    return deliveryStats;
  }

  /** This replica's name in the delivery queue and in reconciler claims. */
  public String replica() {
    return replica;
  }

  /** The rate limits and key usage counters, as the ingress checks them. */
  IngressGuards guards() {
    return new IngressGuards(rateLimits, keyUsage);
  }

  /** {@code /admin/keys}: usage and emergency revocation. */
  KeyAdminRoutes adminRoutes(Supplier<GatewaySettings> settings) {
    return new KeyAdminRoutes(settings, keyUsage, revocations, clock);
  }

  /** Closes the stores, then the one connection pool. */
  Future<Void> close() {
    return Future.join(ledger.close(), permits.close(), rateLimits.close(), revocations.close(),
            replicas.close())
        .<Void>mapEmpty().recover(e -> Future.succeededFuture())
        .compose(v -> redis == null ? Future.succeededFuture() : redis.close());
  }
}
