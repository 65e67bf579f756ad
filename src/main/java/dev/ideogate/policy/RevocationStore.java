package dev.ideogate.policy;

import io.vertx.core.Future;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Emergency revocation without a config change: the ids of revoked client keys. {@link RedisRevocationStore} shares
 * them between replicas (a Redis set, announced on a pub/sub channel, re-read on reconnect and periodically);
 * {@link InMemoryRevocationStore} serves one replica (Redis off; forgotten on restart, so remove the key from the
 * config too).
 */
public interface RevocationStore {

  /** Starts listening; {@code onChange} receives the whole current set now and after every change. */
  Future<Void> start(Consumer<Set<String>> onChange);

  /** Adds the id to the revoked set and tells every replica. Idempotent. */
  Future<Void> revoke(String keyId);

  Future<Void> close();
}
