package dev.ideogate.policy;

import dev.ideogate.redis.DelayedFlush;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import dev.ideogate.redis.Reply;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeyUsageStore} in Redis, shared by every replica ({@code lua/key_use.lua}): hourly counters
 * {@code <p>:{k:<key id>}:req:<epoch hour>} and {@code …:err:<epoch hour>} kept 25 h, and {@code …:last_used}
 * (ms). The {@code {k:<key id>}} hash tag keeps one key's counters in one cluster slot, so one MGET reads them.
 *
 * <p>Requests are summed in memory and flushed {@value #FLUSH_MS} ms after the first unflushed one, one script per
 * key and hour, all sent at once (pipelined): no Redis work on the request path (ARCHITECTURE.md §2). Another
 * replica's counts are therefore up to a second late; this replica's own are flushed before every read. A replica
 * killed with -9 loses at most its last second of counts (never money: budgets are not counted here).
 */
public final class RedisKeyUsageStore implements KeyUsageStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisKeyUsageStore.class);
  private static final long BUCKET_TTL_MS = 25 * 3_600_000L;
  static final long FLUSH_MS = 1_000;
  private final RedisConnector redis;
  private final String keyPrefix;
  private final Clock clock;
  private final KeyUseScript script = new KeyUseScript();
  private final Map<Bucket, Counts> unflushed = new ConcurrentHashMap<>();
  private final DelayedFlush flushSoon;

  /** One key's hour. */
  private record Bucket(String keyId, long hour) {}

  /** Requests and errors not yet in Redis. */
  private record Counts(long requests, long errors) {
    Counts plus(Counts other) {
      return new Counts(requests + other.requests, errors + other.errors);
    }
  }

  public RedisKeyUsageStore(RedisConnector redis, String keyPrefix, Clock clock) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.clock = clock;
    this.flushSoon = new DelayedFlush(redis.vertx(), FLUSH_MS, this::flush);
  }

  private String key(String keyId, String what) {
    return keyPrefix + ":{k:" + keyId + "}:" + what;
  }

  @Override
  public void record(String keyId, boolean error) {
    long hour = clock.millis() / 3_600_000L;
    unflushed.merge(new Bucket(keyId, hour), new Counts(1, error ? 1 : 0), Counts::plus);
    flushSoon.request();
  }

  /** Sends every unflushed count; completes when Redis answered them all (failures are dropped: best effort). */
  Future<Void> flush() {
    List<Future<Long>> sent = new ArrayList<>();
    for (Bucket bucket : List.copyOf(unflushed.keySet())) {
      Counts counts = unflushed.remove(bucket);
      if (counts == null) {
        continue;
      }
      String id = bucket.keyId();
      sent.add(script.run(redis, new KeyUseScript.Args(key(id, "req:" + bucket.hour()), key(id, "err:" + bucket.hour()),
              key(id, "last_used"), counts.requests(), counts.errors(), BUCKET_TTL_MS, redis.clock().nowMs()))
          .onFailure(e -> LOG.debug("key usage not recorded: {}", e.getClass().getSimpleName())));
    }
    return Future.join(sent).<Void>mapEmpty().otherwiseEmpty();
  }

  @Override
  public Future<Map<String, KeyUsage>> usage(Collection<String> keyIds) {
    return flush().compose(flushed -> read(keyIds));
  }

  private Future<Map<String, KeyUsage>> read(Collection<String> keyIds) {
    long hour = clock.millis() / 3_600_000L;
    List<String> ids = List.copyOf(keyIds);
    List<Future<KeyUsage>> reads = new ArrayList<>();
    for (String id : ids) {
      List<String> keys = new ArrayList<>();
      for (int h = 0; h < KeyUsage.HOURS; h++) {
        keys.add(key(id, "req:" + (hour - h)));
        keys.add(key(id, "err:" + (hour - h)));
      }
      keys.add(key(id, "last_used"));
      reads.add(redis.send("MGET", keys).map(RedisKeyUsageStore::parse));
    }
    return Future.all(reads).map(all -> {
      Map<String, KeyUsage> result = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        result.put(ids.get(i), reads.get(i).result());
      }
      return result;
    });
  }

  private static KeyUsage parse(Reply values) {
    long requests = 0;
    long errors = 0;
    for (int i = 0; i < 2 * KeyUsage.HOURS; i++) {
      long n = values.get(i).asLong();
      if (i % 2 == 0) {
        requests += n;
      } else {
        errors += n;
      }
    }
    Reply last = values.get(2 * KeyUsage.HOURS);
    return new KeyUsage(requests, errors, last.isNil() ? null : Instant.ofEpochMilli(last.asLong()));
  }
}
