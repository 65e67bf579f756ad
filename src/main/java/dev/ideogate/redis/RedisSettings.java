package dev.ideogate.redis;

import dev.ideogate.config.GatewayConfig;
import java.util.List;

/**
 * How to reach Redis, taken from {@link GatewayConfig.Redis}.
 *
 * @param url {@code redis://} or {@code rediss://}; for sentinel and cluster a comma-separated list of seed nodes
 * @param mode standalone | sentinel | cluster
 * @param commandTimeoutMs every command fails after this long when Redis is down or frozen (ARCHITECTURE.md §7: ≤ 1 s)
 * @param keyPrefix first segment of every key ({@code ideogate})
 * @param poolSize connections per Vert.x instance (per node in cluster mode)
 * @param failOpen fall back to a per-replica in-memory ledger when Redis fails, instead of answering 503
 * @param sentinelMaster the master name sentinels are asked for (mode sentinel only)
 */
public record RedisSettings(
    String url,
    String mode,
    long commandTimeoutMs,
    String keyPrefix,
    int poolSize,
    boolean failOpen,
    String sentinelMaster) {

  public static final String DEFAULT_KEY_PREFIX = "ideogate";
  static final List<String> MODES = List.of("standalone", "sentinel", "cluster");

  public RedisSettings {
    if (url == null || !(url.startsWith("redis://") || url.startsWith("rediss://"))) {
      throw new IllegalArgumentException("redis url must start with redis:// or rediss://");
    }
    if (!MODES.contains(mode)) {
      throw new IllegalArgumentException("redis mode must be one of " + MODES + ", got '" + mode + "'");
    }
    if (commandTimeoutMs < 1 || commandTimeoutMs > 1000) {
      throw new IllegalArgumentException("redis command timeout must be 1..1000 ms, got " + commandTimeoutMs);
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("redis pool size must be ≥ 1, got " + poolSize);
    }
    keyPrefix = keyPrefix == null || keyPrefix.isBlank() ? DEFAULT_KEY_PREFIX : keyPrefix;
    sentinelMaster = sentinelMaster == null || sentinelMaster.isBlank()
        ? GatewayConfig.Redis.DEFAULT_SENTINEL_MASTER : sentinelMaster;
  }

  /** Standalone, fail-closed, 1 s timeout, default prefix, 8 connections. */
  public static RedisSettings standalone(String url) {
    return new RedisSettings(url, "standalone", 1000, DEFAULT_KEY_PREFIX, 8, false, null);
  }

  public static RedisSettings of(GatewayConfig.Redis redis) {
    return new RedisSettings(
        redis.url(),
        redis.mode() == null ? "standalone" : redis.mode(),
        redis.commandTimeout().toMillis(),
        redis.keyPrefix(),
        redis.poolSize(),
        redis.failOpen(),
        redis.sentinelMaster());
  }

  public RedisSettings withKeyPrefix(String prefix) {
    return new RedisSettings(url, mode, commandTimeoutMs, prefix, poolSize, failOpen, sentinelMaster);
  }

  public RedisSettings withFailOpen(boolean open) {
    return new RedisSettings(url, mode, commandTimeoutMs, keyPrefix, poolSize, open, sentinelMaster);
  }

  public RedisSettings withMode(String newMode) {
    return new RedisSettings(url, newMode, commandTimeoutMs, keyPrefix, poolSize, failOpen, sentinelMaster);
  }

  public RedisSettings withCommandTimeoutMs(long ms) {
    return new RedisSettings(url, mode, ms, keyPrefix, poolSize, failOpen, sentinelMaster);
  }
}
