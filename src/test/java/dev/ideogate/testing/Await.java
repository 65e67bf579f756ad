package dev.ideogate.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The one way tests wait: on a Future, or until a condition they can observe holds. Blocks the test thread, never
 * an event loop. A wait that runs out fails with what was awaited; there is no fixed sleep to tune.
 */
public final class Await {
  /** Long enough for a loaded CI machine; a test that needs it is waiting on something that will never come. */
  public static final Duration TIMEOUT = Duration.ofSeconds(120);

  private Await() {}

  /** The future's result; its failure rethrown as is (a RuntimeException) or wrapped in one. */
  public static <T> T await(Future<T> future) {
    return await(future, TIMEOUT);
  }

  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (future.failed()) { // it completed: with a timeout of its own (a Redis command timer, say)
        throw new AssertionError("future failed: " + future.cause(), future.cause());
      }
      throw new AssertionError("future did not complete within " + timeout.toSeconds() + " s", e);
    }
  }

  /** The failure of a future that must fail. */
  public static Throwable failure(Future<?> future) {
    try {
      future.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + TIMEOUT.toSeconds() + " s", e);
    } catch (RuntimeException e) {
      return future.cause() != null ? future.cause() : e;
    }
    throw new AssertionError("expected a failure, got " + future.result());
  }

  /** Polls {@code condition} every 10 ms until it holds; fails naming {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  /** {@link #until(String, Duration, BooleanSupplier)} with the default timeout. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, TIMEOUT, condition);
  }
}
