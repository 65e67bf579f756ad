package dev.ideogate.policy;

import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/** {@link RevocationStore} of one replica. */
public final class InMemoryRevocationStore implements RevocationStore {
  private final Set<String> revoked = new LinkedHashSet<>();
  private Consumer<Set<String>> onChange = ids -> {};

  @Override
  public synchronized Future<Void> start(Consumer<Set<String>> listener) {
    this.onChange = listener;
    listener.accept(Set.copyOf(revoked));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> revoke(String keyId) {
    if (revoked.add(keyId)) {
      onChange.accept(Set.copyOf(revoked));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
