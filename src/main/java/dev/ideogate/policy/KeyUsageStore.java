package dev.ideogate.policy;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Map;

/**
 * Per-key request and error counters for {@code GET /admin/keys}: {@link RedisKeyUsageStore} (every replica's
 * requests) or {@link InMemoryKeyUsageStore} (one replica, Redis off). Recording is best effort: a lost count never
 * fails a request. Entries are named by key id only, never by the key or its hash.
 */
public interface KeyUsageStore {

  /** Counts one finished request of that key; {@code error} when its status was ≥ 400. */
  void record(String keyId, boolean error);

  /** Usage of each of those keys ({@link KeyUsage#NONE} for a key never seen). */
  Future<Map<String, KeyUsage>> usage(Collection<String> keyIds);
}
