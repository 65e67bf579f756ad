package dev.ideogate.testing;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Redis a test talks to (ARCHITECTURE.md §12): {@code REDIS_URL} when set; else a Testcontainers Redis when a Docker
 * engine answers; else a {@code redis-server} from PATH that this class starts on a free loopback port. None of
 * them → {@link #start()} throws: a test without Redis fails, it never skips.
 *
 * <p>Fault tests use {@link #startOwned()}, which ignores {@code REDIS_URL} (a shared Redis cannot be stopped):
 * {@link #stop()}, {@link #kill()}, {@link #freeze()} and {@link #restart()} (same port, empty data).
 */
public final class RedisServer implements AutoCloseable {
  private static final String IMAGE = "redis:7-alpine";

  private final String externalUrl;
  private final GenericContainer<?> container;
  private final RedisProcess process;

  private RedisServer(String externalUrl, GenericContainer<?> container, RedisProcess process) {
    this.externalUrl = externalUrl;
    this.container = container;
    this.process = process;
  }

  /** REDIS_URL, else Docker, else redis-server from PATH. */
  public static RedisServer start() {
    String url = System.getenv("REDIS_URL");
    if (url != null && !url.isBlank()) {
      return new RedisServer(url.trim(), null, null);
    }
    return startOwned();
  }

  /** A Redis this test owns and may stop: Docker, else redis-server from PATH. */
  public static RedisServer startOwned() {
    if (dockerAnswers()) {
      GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
          .withExposedPorts(6379)
          .withCommand("redis-server", "--save", "", "--appendonly", "no");
      container.start();
      return new RedisServer(null, container, null);
    }
    if (RedisProcess.onPath()) {
      try {
        RedisProcess process = new RedisProcess(RedisProcess.freePort(false), List.of());
        process.start();
        return new RedisServer(null, null, process);
      } catch (IOException e) {
        throw new IllegalStateException("cannot prepare a redis-server directory: " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("no Redis for tests: set REDIS_URL, start a Docker engine, or install"
        + " redis-server on PATH (e.g. apt-get install redis-server)");
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * A connector to this Redis on {@code vertx}, returned once it has answered a PING: on a loaded machine the first
   * connection alone can outlast the 1 s command timeout, which a test's first command must not pay for.
   */
  public RedisConnector connector(Vertx vertx) {
    RedisConnector connector = new RedisConnector(vertx, RedisSettings.standalone(url()));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!Await.await(connector.ping().transform(ar -> Future.succeededFuture(ar.succeeded())))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Redis at " + url() + " did not answer a PING within 10 s");
      }
    }
    return connector;
  }

  public String url() {
    if (externalUrl != null) {
      return externalUrl;
    }
    if (container != null) {
      return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }
    return "redis://127.0.0.1:" + process.port();
  }

  /** Clean shutdown (a container is paused instead, so its port survives a restart). */
  public void stop() {
    if (process != null) {
      process.stop();
    } else {
      pause();
    }
  }

  /** kill -9. */
  public void kill() {
    if (process != null) {
      process.kill();
    } else {
      pause();
    }
  }

  /** Keeps the socket open but answers nothing: commands hang until the client's timeout. */
  public void freeze() {
    if (process != null) {
      process.freeze();
    } else {
      pause();
    }
  }

  public void thaw() {
    if (process != null) {
      process.thaw();
    } else {
      unpause();
    }
  }

  /** Starts again on the same port after stop or kill (data is gone, like a real restart without persistence). */
  public void restart() {
    if (process != null) {
      process.stop();
      process.start();
    } else {
      unpause();
    }
  }

  private void pause() {
    owned().getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
  }

  private void unpause() {
    owned().getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
  }

  private GenericContainer<?> owned() {
    if (container == null) {
      throw new IllegalStateException("REDIS_URL points to a Redis this test cannot stop; use startOwned()");
    }
    return container;
  }

  @Override
  public void close() {
    if (process != null) {
      process.kill();
    }
    if (container != null) {
      container.stop();
    }
  }
}
