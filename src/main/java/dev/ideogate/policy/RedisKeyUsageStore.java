package dev.ideogate.policy;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeyUsageStore} in Redis, shared by every replica ({@code lua/key_use.lua}): hourly counters
 * {@code <p>:{k:<key id>}:req:<epoch hour>} and {@code …:err:<epoch hour>} kept 25 h, and {@code …:last_used}
 * (ms). The {@code {k:<key id>}} hash tag keeps one key's counters in one cluster slot, so one MGET reads them.
 */
public final class RedisKeyUsageStore implements KeyUsageStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisKeyUsageStore.class);
  private static final long BUCKET_TTL_MS = 25 * 3_600_000L;
  private final RedisConnector redis;
  private final String keyPrefix;
  private final Clock clock;
  private final KeyUseScript script = new KeyUseScript();

  public RedisKeyUsageStore(RedisConnector redis, String keyPrefix, Clock clock) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.clock = clock;
  }

  private String key(String keyId, String what) {
    return keyPrefix + ":{k:" + keyId + "}:" + what;
  }

  @Override
  public void record(String keyId, boolean error) {
    long hour = clock.millis() / 3_600_000L;
    script.run(redis, new KeyUseScript.Args(key(keyId, "req:" + hour), key(keyId, "err:" + hour),
            key(keyId, "last_used"), error, BUCKET_TTL_MS))
        .onFailure(e -> LOG.debug("key usage not recorded: {}", e.getClass().getSimpleName()));
  }

  @Override
  public Future<Map<String, KeyUsage>> usage(Collection<String> keyIds) {
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
