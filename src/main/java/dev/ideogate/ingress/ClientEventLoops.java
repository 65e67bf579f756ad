package dev.ideogate.ingress;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The event loops that serve the client port, one per {@link IngressVerticle} instance, for the liveness probe
 * (ARCHITECTURE.md §11): a loop stalled by one request stalls every connection it holds, so {@code /health/live} fails
 * when any of them does not run a task in time, and Kubernetes restarts the pod.
 */
public final class ClientEventLoops {
  private final List<Context> loops = new CopyOnWriteArrayList<>();

  void register(Context context) {
    loops.add(context);
  }

  void unregister(Context context) {
    loops.remove(context);
  }

  /** Completes once every registered loop has run a task; the probe's timeout decides what "in time" is. */
  public Future<Void> ping() {
    List<Future<Void>> answers = loops.stream().map(ClientEventLoops::ping).toList();
    return Future.all(answers).mapEmpty();
  }

  private static Future<Void> ping(Context context) {
    Promise<Void> answered = Promise.promise();
    context.runOnContext(v -> answered.complete());
    return answered.future();
  }
}
