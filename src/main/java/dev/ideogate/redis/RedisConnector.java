package dev.ideogate.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One Vert.x Redis client. Every command goes through {@link #call}, which fails it when Redis does not answer (down,
 * frozen, unreachable) within the command timeout, so nothing waits on a dead Redis.
 *
 * <p>Commands sent from an event loop are pipelined on one long-lived connection per event-loop thread (a handful
 * per replica: ARCHITECTURE.md §2), not one pooled connection per command: a burst of 2,000 requests is 2,000 commands
 * written at once on a few sockets. The command timeout measures Redis' silence, not the wait behind the gateway's
 * own burst ({@link AnswerPatience}): a command whose connection keeps answering the commands ahead of it waits its
 * turn (at most a few timeouts), and only a connection silent for a whole timeout fails its commands (503). That
 * connection is dropped and the next command opens a fresh one, so once Redis answers again the next command simply
 * succeeds. Commands from other threads (start-up, tests) use the pool and fail after the command timeout.
 */
public final class RedisConnector {
  private static final int MAX_POOL_WAITING = 8192;
  private static final int MAX_PIPELINES = 64;
  /** Commands one pipeline may have unanswered: far beyond a burst the gateway's own queues admit. */
  private static final int MAX_PIPELINED_COMMANDS = 65_536;

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI api;
  /** Only the event loops' pipelines come from here: each opened by its own loop, so its socket is on that loop. */
  private final Redis pipelineClient;
  private final Map<Thread, Future<Pipeline>> pipelines = new ConcurrentHashMap<>();

  /** A long-lived connection of one event-loop thread, its typed API, and when it last answered anything. */
  private static final class Pipeline {
    final RedisConnection connection;
    final RedisAPI api;
    volatile long lastAnswerNanos;

    Pipeline(RedisConnection connection) {
      this.connection = connection;
      this.api = RedisAPI.api(connection);
      this.lastAnswerNanos = System.nanoTime();
    }
  }
  private final long commandTimeoutMs;
  private final long timerMs;
  private final AnswerPatience patience;
  private final RedisClock clock = new RedisClock(this);

  public RedisConnector(Vertx vertx, RedisSettings settings) {
    this.vertx = vertx;
    this.commandTimeoutMs = settings.commandTimeoutMs();
    // The timer fires 5% early so that, with event-loop and scheduling jitter, the caller has its failure
    // within the command timeout, not just after it (ARCHITECTURE.md §7: 503 and not-ready within 1 s).
    this.timerMs = Math.max(1, commandTimeoutMs - commandTimeoutMs / 20);
    this.patience = new AnswerPatience(TimeUnit.MILLISECONDS.toNanos(Math.max(2, timerMs)));
    this.client = Redis.createClient(vertx, options(settings));
    this.api = RedisAPI.api(client);
    // A pooled connection goes back to the pool and may be handed to another event loop; a pipeline's must be
    // opened by its own loop (its answers are read there, AnswerPatience relies on it), so pipelines have their own
    // client, whose connections never return to a pool. Room for every loop's pipeline and the dropped ones closing.
    this.pipelineClient = Redis.createClient(vertx, options(settings)
        .setMaxPoolSize(MAX_PIPELINES)
        .setMaxWaitingHandlers(MAX_PIPELINED_COMMANDS));
  }

  /** The client options of {@code settings}; also for the dedicated {@link PubSubConnection}. */
  static RedisOptions options(RedisSettings settings) {
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.valueOf(settings.mode().toUpperCase(java.util.Locale.ROOT)))
        .setMaxPoolSize(settings.poolSize())
        // A burst (a batch generator's queue draining) must wait for a connection, not fail; the command
        // timeout still bounds how long it waits.
        .setMaxPoolWaiting(MAX_POOL_WAITING)
        .setMaxWaitingHandlers(MAX_POOL_WAITING)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) settings.commandTimeoutMs())
            .setTcpKeepAlive(true)
            .setTcpNoDelay(true));
    if ("sentinel".equals(settings.mode())) {
      options.setMasterName(settings.sentinelMaster());
    }
    for (String endpoint : settings.url().split(",")) {
      options.addConnectionString(endpoint.trim());
    }
    return options;
  }

  /**
   * Runs one command by name ({@code "GET"}, {@code "ZADD"}, ...) with its arguments; fails as {@link #call} says
   * (from an event loop: once its connection has been silent for the command timeout, or at the cap of
   * {@link AnswerPatience#CAP_IN_TIMEOUTS} timeouts). Keys are routed by the command's own key positions (cluster
   * mode), as with the typed API.
   */
  public Future<Reply> send(String command, String... args) {
    return send(command, List.of(args));
  }

  public Future<Reply> send(String command, List<String> args) {
    Command cmd = Command.create(command);
    String[] argArray = args.toArray(new String[0]);
    return call(api -> api.send(cmd, argArray)).map(Reply::of);
  }

  /**
   * Runs one command of the typed API. From an event loop it fails once its connection has been silent for the command
   * timeout (or after {@link AnswerPatience#CAP_IN_TIMEOUTS} timeouts however busy); from other threads after the
   * command timeout. Package-private: {@link LuaScript}.
   */
  Future<Response> call(Function<RedisAPI, Future<Response>> command) {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return send(api, command).timeout(timerMs, TimeUnit.MILLISECONDS);
    }
    // One connection per event-loop thread (a replica has 2 × cores of them), whatever verticle sends. Only this
    // thread adds its entry, so get-then-put does not race (and no callback runs inside a map update).
    Thread loop = Thread.currentThread();
    Future<Pipeline> pipeline = pipelines.get(loop);
    if (pipeline == null) {
      pipeline = connect(loop);
    }
    Future<Pipeline> used = pipeline;
    // Opening the connection has its own bound (the same timeout); the command's wait starts once it is written.
    return used.compose(open -> {
      Future<Response> answer = send(open.api, command);
      answer.onComplete(done -> {
        if (done.succeeded() || done.cause() instanceof Response) { // an error reply is an answer too
          open.lastAnswerNanos = System.nanoTime();
        }
      });
      // Behind a burst on a live connection the command waits its turn; a connection silent for a whole timeout is
      // dead or cut off, not merely busy (a busy Redis still answers the commands ahead of this one): drop it.
      return new Waiting<>(answer, () -> open.lastAnswerNanos, () -> drop(loop, used)).outcome.future();
    });
  }

  private static Future<Response> send(RedisAPI api, Function<RedisAPI, Future<Response>> command) {
    try {
      return command.apply(api);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Pipeline> connect(Thread loop) {
    Future<RedisConnection> connecting = pipelineClient.connect();
    long startedNanos = System.nanoTime();
    // Nothing is heard from a connection until it is open: it gets the command timeout (and one more turn of the loop).
    Future<Pipeline> opened = new Waiting<>(connecting, () -> startedNanos, () -> { }).outcome.future()
        .map(Pipeline::new);
    pipelines.put(loop, opened);
    connecting.onSuccess(late -> {
      if (opened.failed()) {
        late.close(); // opened after its wait gave up: nobody uses it
      }
    });
    opened.onComplete(ar -> {
      if (ar.failed()) {
        pipelines.remove(loop, opened);
        return;
      }
      ar.result().connection.exceptionHandler(err -> drop(loop, opened));
      ar.result().connection.endHandler(v -> drop(loop, opened));
    });
    return opened;
  }

  /**
   * One answer awaited on an event loop, judged by {@link AnswerPatience} at each look of its timer; the timer runs on
   * the caller's context, like the answer, so the outcome completes there.
   */
  private final class Waiting<T> implements Handler<Long> {
    final Promise<T> outcome = Promise.promise();
    private final long sentNanos = System.nanoTime();
    private final LongSupplier heardNanos;
    private final Runnable onSilence;
    private boolean lookingAgain;
    private long timerId;

    Waiting(Future<T> answer, LongSupplier heardNanos, Runnable onSilence) {
      this.heardNanos = heardNanos;
      this.onSilence = onSilence;
      this.timerId = vertx.setTimer(toMs(patience.firstLookNanos()), this);
      answer.onComplete(this::answered);
    }

    private void answered(AsyncResult<T> answer) {
      vertx.cancelTimer(timerId);
      if (answer.succeeded()) {
        outcome.tryComplete(answer.result());
      } else {
        outcome.tryFail(answer.cause());
      }
    }

    @Override
    public void handle(Long timer) {
      if (outcome.future().isComplete()) {
        return;
      }
      long now = System.nanoTime();
      long heard = heardNanos.getAsLong();
      long next = patience.nextLookNanos(sentNanos, heard, now, lookingAgain);
      boolean silent = patience.silent(sentNanos, heard, now);
      if (next == AnswerPatience.GIVE_UP) {
        if (silent) {
          onSilence.run();
        }
        outcome.tryFail(new NoAnswer((now - sentNanos) / 1_000_000, silent));
        return;
      }
      lookingAgain = silent;
      timerId = vertx.setTimer(toMs(next), this);
    }
  }

  private static long toMs(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  /** A command that got no answer in time; expected under an outage, so no stack trace. */
  static final class NoAnswer extends TimeoutException {
    NoAnswer(long waitedMs, boolean silent) {
      super(silent
          ? "Redis did not answer: the connection stayed silent for the command timeout (" + waitedMs + " ms waited)"
          : "Redis did not answer within " + waitedMs + " ms, behind a queue on a live connection");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /**
   * Forgets a connection that failed, closed, or went silent. It is closed after one more command timeout, so
   * commands already written on it get their answer or their own timeout first.
   */
  private void drop(Thread loop, Future<Pipeline> pipeline) {
    if (pipelines.remove(loop, pipeline)) {
      pipeline.onSuccess(open -> vertx.setTimer(timerMs, id -> open.connection.close()));
    }
  }

  /**
   * Succeeds when Redis answers PING (readiness): within the command timeout from an idle connection, later behind
   * a burst while the connection keeps answering ({@link #call}).
   */
  public Future<Void> ping() {
    return call(redis -> redis.ping(List.of())).mapEmpty();
  }

  /** The Vert.x instance of this client, for stores that flush in the background (timers). */
  public Vertx vertx() {
    return vertx;
  }

  /** Redis' clock as this replica sees it: the "now" of lease-stamping scripts (ARCHITECTURE.md §2). */
  public RedisClock clock() {
    return clock;
  }

  public long commandTimeoutMs() {
    return commandTimeoutMs;
  }

  public Future<Void> close() {
    pipelines.values().forEach(pipeline -> pipeline.onSuccess(open -> open.connection.close()));
    pipelines.clear();
    return Future.join(pipelineClient.close(), client.close()).mapEmpty();
  }
}
