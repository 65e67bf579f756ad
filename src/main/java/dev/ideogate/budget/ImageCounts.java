package dev.ideogate.budget;

import dev.ideogate.redis.DelayedFlush;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images settled on this replica, per team and window, summed in memory and flushed to the team's
 * {@code images:d}/{@code images:m} counters {@value #FLUSH_MS} ms after the first unflushed one (ARCHITECTURE.md §7):
 * one pipelined INCRBY per counter (and its EXPIRE once, when that INCRBY created it), all on the team's slot, none on the request path. Images are not
 * money: another replica sees them up to a second late, and a killed replica loses at most a second of them.
 *
 * <p>Reads of a team ({@link #read}) and its flushes run one after the other, so a read sees every count of this
 * replica exactly once: either already in Redis or still in the snapshot of unflushed counts it is given.
 */
final class ImageCounts {
  private static final Logger LOG = LoggerFactory.getLogger(ImageCounts.class);
  static final long FLUSH_MS = 1_000;
  private static final String DAY_TTL_S = Long.toString(40L * 86_400);
  private static final String MONTH_TTL_S = Long.toString(400L * 86_400);

  private final RedisConnector redis;
  private final BudgetKeys keys;
  private final Map<String, Team> teams = new ConcurrentHashMap<>();
  private final DelayedFlush flushSoon;

  ImageCounts(RedisConnector redis, BudgetKeys keys) {
    this.redis = redis;
    this.keys = keys;
    this.flushSoon = new DelayedFlush(redis.vertx(), FLUSH_MS, this::flush);
  }

  /** One team's unflushed counts (counter key → images) and the tail of its flushes and reads. */
  private static final class Team {
    final Map<String, Long> unflushed = new HashMap<>();
    Future<Void> tail = Future.succeededFuture();

    /** Runs {@code op} after every flush and read of the team sent before it, and before any sent after it. */
    synchronized <T> Future<T> next(Function<Map<String, Long>, Future<T>> op) {
      Future<T> done = tail.transform(ignored -> {
        Map<String, Long> snapshot;
        synchronized (this) {
          snapshot = Map.copyOf(unflushed);
        }
        return op.apply(snapshot);
      });
      tail = done.<Void>mapEmpty().otherwiseEmpty();
      return done;
    }
  }

  void add(String team, BudgetWindow window, int images) {
    if (images <= 0) {
      return;
    }
    Team counts = teams.computeIfAbsent(team, t -> new Team());
    synchronized (counts) {
      counts.unflushed.merge(keys.imagesDay(team, window.day()), (long) images, Long::sum);
      counts.unflushed.merge(keys.imagesMonth(team, window.month()), (long) images, Long::sum);
    }
    flushSoon.request();
  }

  /**
   * Runs {@code read} for {@code team} with its counts not yet in Redis (counter key → images; absent keys are 0),
   * never while a flush of the team is on its way.
   */
  <T> Future<T> read(String team, Function<Map<String, Long>, Future<T>> read) {
    Team counts = teams.get(team);
    return counts == null ? read.apply(Map.of()) : counts.next(read);
  }

  /** The last flush, when the ledger closes: counts Redis does not take then are lost (at most a second of them). */
  Future<Void> close() {
    flushSoon.stop();
    return flush();
  }

  /** Sends every team's unflushed counts; completes when Redis answered. Counts Redis did not take stay for later. */
  Future<Void> flush() {
    List<Future<Void>> sent = new ArrayList<>();
    teams.forEach((team, counts) -> sent.add(counts.next(snapshot -> send(team, counts, snapshot))));
    return Future.join(sent).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Void> send(String team, Team counts, Map<String, Long> snapshot) {
    if (snapshot.isEmpty()) {
      return Future.succeededFuture();
    }
    synchronized (counts) {
      snapshot.forEach((key, n) -> counts.unflushed.merge(key, -n, (a, b) -> a + b == 0 ? null : a + b));
    }
    List<Future<?>> commands = new ArrayList<>(snapshot.size() * 2);
    String dayCounters = keys.imagesDay(team, "");
    snapshot.forEach((key, n) -> {
      // The counter's TTL is set once, by the replica whose INCRBY created it (the reply is then the increment), never
      // pushed forward: one EXPIRE per counter and window, not per flush.
      commands.add(redis.send("INCRBY", key, Long.toString(n)).compose(total -> total.asLong() != n
          ? Future.succeededFuture()
          : redis.send("EXPIRE", key, key.startsWith(dayCounters) ? DAY_TTL_S : MONTH_TTL_S)));
    });
    return Future.all(commands).<Void>mapEmpty().recover(err -> {
      // Kept for the next flush: an answer lost after Redis applied it may count those images twice (never money).
      LOG.debug("flushing image counts failed, kept for the next flush: {}", err.toString());
      synchronized (counts) {
        snapshot.forEach((key, n) -> counts.unflushed.merge(key, n, Long::sum));
      }
      flushSoon.request();
      return Future.succeededFuture();
    });
  }
}
