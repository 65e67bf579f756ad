package dev.ideogate.batch;

import dev.ideogate.redis.RedisClock;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BatchStore} shared by every replica (keys in {@link BatchKeys}): each change to a batch's lines is one
 * script ({@code batch_create.lua}, {@code batch_lines.lua}), so counts, cost and state never disagree with the
 * lines, whichever replica works them. A replica finds work in the set of open batches of every team.
 */
public final class RedisBatchStore implements BatchStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBatchStore.class);
  /** Open batches a claim looks at, picked at random, so every replica spreads over every team's batches. */
  static final int CLAIM_SAMPLE = 16;
  /** How long a sweeper keeps a batch it took before another may take it (it died, or its deletion is slow). */
  static final long SWEEP_LEASE_MS = 10 * 60_000;

  private final RedisConnector redis;
  private final BatchKeys keys;
  private final BatchCreateScript create = new BatchCreateScript();
  private final BatchLinesScript lines = new BatchLinesScript();

  public RedisBatchStore(RedisConnector redis, String keyPrefix) {
    this.redis = redis;
    this.keys = new BatchKeys(keyPrefix);
  }

  @Override
  public Future<Boolean> create(Batch batch, List<BatchLine> batchLines, int maxOpen) {
    String meta = new JsonObject().put("id", batch.id()).put("team", batch.team())
        .put("on_budget", batch.onBudget().wire()).put("webhook", batch.webhookUrl())
        .put("retention_ms", batch.retentionMs()).encode();
    return create.run(redis, keys, batch.team(), batch.id(), meta, maxOpen, batchLines).compose(stored -> stored
        ? redis.send("SADD", keys.active(), batch.team() + "/" + batch.id()).map(true)
        : Future.succeededFuture(false));
  }

  private static final List<String> FIELDS;

  static {
    List<String> fields = new ArrayList<>(List.of("meta", "state", "paused_until", "finished", "cost", "lines",
        "created"));
    for (LineState s : LineState.values()) {
      fields.add("c:" + s.wire());
    }
    FIELDS = List.copyOf(fields);
  }

  @Override
  public Future<Optional<Batch>> get(String team, String id) {
    List<String> args = new ArrayList<>();
    args.add(keys.batch(team, id));
    args.addAll(FIELDS);
    return redis.send("HMGET", args).map(reply -> Optional.ofNullable(batch(team, reply)));
  }

  private static Batch batch(String team, Reply reply) {
    if (reply.get(0).isNil()) {
      return null;
    }
    JsonObject meta = new JsonObject(reply.get(0).asString());
    Map<LineState, Integer> counts = new EnumMap<>(LineState.class);
    int at = 7;
    for (LineState s : LineState.values()) {
      counts.put(s, (int) reply.get(at++).asLong());
    }
    return new Batch(meta.getString("id"), team, BatchState.fromWire(reply.get(1).asString()),
        OnBudget.fromWire(meta.getString("on_budget")), meta.getString("webhook"), reply.get(6).asLong(),
        meta.getLong("retention_ms"), reply.get(2).asLong(), (int) reply.get(5).asLong(), counts,
        reply.get(4).asLong(), reply.get(3).asLong());
  }

  @Override
  public Future<List<Batch>> list(String team) {
    return redis.send("ZREVRANGE", keys.index(team), "0", "999").compose(ids -> {
      List<Future<Optional<Batch>>> all = new ArrayList<>();
      ids.asStrings().forEach(id -> all.add(get(team, id)));
      return Future.all(all).map(done -> {
        List<Batch> found = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          done.<Optional<Batch>>resultAt(i).ifPresent(found::add); // a batch past its retention is gone
        }
        return found;
      });
    });
  }

  @Override
  public Future<List<LineResult>> results(String team, String id) {
    return redis.send("HVALS", keys.results(team, id)).map(reply -> {
      List<LineResult> results = new ArrayList<>();
      reply.asStrings().forEach(json -> results.add(LineResult.fromJson(json)));
      results.sort((a, b) -> Integer.compare(a.number(), b.number()));
      return results;
    });
  }

  @Override
  public Future<Boolean> cancel(String team, String id, long nowMs) {
    return lines.cancel(redis, keys, team, id).compose(done -> done == 2
        ? finished(team, id).map(true) : Future.succeededFuture(done == 1));
  }

  @Override
  public Future<Optional<Claim>> claim(long nowMs, long leaseMs) {
    return redis.send("SRANDMEMBER", keys.active(), Integer.toString(CLAIM_SAMPLE)).compose(reply -> {
      List<String> sample = new ArrayList<>(reply.asStrings());
      Collections.shuffle(sample);
      return claimFrom(sample, 0, leaseMs, UUID.randomUUID().toString());
    });
  }

  /**
   * Tries the sampled batches in turn. A finished one still in the active set (a claim just finished it, or the
   * replica that did died before {@link #retire}) is retired here.
   */
  private Future<Optional<Claim>> claimFrom(List<String> sample, int at, long leaseMs, String token) {
    if (at >= sample.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    String member = sample.get(at);
    int slash = member.lastIndexOf('/');
    String team = member.substring(0, slash);
    String id = member.substring(slash + 1);
    return lines.claim(redis, keys, team, id, leaseMs, token).compose(claimed -> {
      if (claimed.line() != null) {
        return Future.succeededFuture(Optional.of(new Claim(team, id, claimed.line(), claimed.hold(), token)));
      }
      Future<?> tidy = Future.succeededFuture();
      if ("gone".equals(claimed.state())) {
        tidy = redis.send("SREM", keys.active(), member);
      } else if (claimed.retentionEndMs() > 0) {
        tidy = retire(member, claimed.retentionEndMs());
      }
      return tidy.compose(v -> claimFrom(sample, at + 1, leaseMs, token));
    });
  }

  @Override
  public Future<Void> record(Claim claim, LineHold hold) {
    return lines.started(redis, keys, claim, hold)
        .compose(mine -> mine ? Future.<Void>succeededFuture() : Future.failedFuture(new TakenBack(claim)));
  }

  @Override
  public Future<List<Integer>> renew(List<Claim> claims, long nowMs, long leaseMs) {
    return lines.renew(redis, keys, claims, leaseMs);
  }

  @Override
  public Future<Optional<Batch>> finish(Claim claim, LineResult result, long nowMs) {
    return lines.finish(redis, keys, claim, result).compose(done -> finished(claim, done));
  }

  @Override
  public Future<Optional<Batch>> budgetRefused(Claim claim, long nowMs, long untilMs) {
    return lines.budget(redis, keys, claim, untilMs - nowMs).compose(done -> finished(claim, done));
  }

  /**
   * The due members (scores are Redis time: its clock decides, the replica's only before its first sample), each
   * taken under a {@link BatchKeys#sweeping} key ({@code SET NX PX}): one sweeper at a time, and the member stays in
   * the retention set until {@link #swept}, so a sweeper dying mid-deletion loses nothing; after
   * {@link #SWEEP_LEASE_MS} another takes it.
   */
  @Override
  public Future<List<String>> takeExpired(long nowMs, int max) {
    long redisNow = redis.clock().nowMs();
    long now = redisNow == RedisClock.UNKNOWN ? nowMs : redisNow;
    return redis.send("ZRANGEBYSCORE", keys.retention(), "-inf", Long.toString(now), "LIMIT", "0",
        Integer.toString(max)).compose(reply -> {
          List<String> members = reply.asStrings();
          List<Future<Reply>> taken = new ArrayList<>();
          members.forEach(member -> taken.add(redis.send("SET", keys.sweeping(member), "1", "NX", "PX",
              Long.toString(SWEEP_LEASE_MS))));
          return Future.all(taken).map(done -> {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
              if (!done.<Reply>resultAt(i).isNil()) {
                mine.add(members.get(i)); // else another sweeper has it now
              }
            }
            return mine;
          });
        });
  }

  @Override
  public Future<Void> swept(String member) {
    int slash = member.lastIndexOf('/');
    // its keys expired with its retention: the team's list no longer names it
    return redis.send("ZREM", keys.index(member.substring(0, slash)), member.substring(slash + 1))
        .compose(v -> redis.send("ZREM", keys.retention(), member))
        .compose(v -> redis.send("DEL", keys.sweeping(member))).mapEmpty();
  }

  @Override
  public Future<Void> expireLater(String member, long atMs) {
    return redis.send("ZADD", keys.retention(), Long.toString(atMs), member)
        .compose(v -> redis.send("DEL", keys.sweeping(member))).mapEmpty();
  }

  private Future<Optional<Batch>> finished(Claim claim, int done) {
    return done == 2 ? finished(claim.team(), claim.batchId()) : Future.succeededFuture(Optional.empty());
  }

  /**
   * A batch that just finished, read and {@linkplain #retire retired}; a failed retire leaves it in the active set,
   * where a claim retires it later.
   */
  private Future<Optional<Batch>> finished(String team, String id) {
    return get(team, id).compose(batch -> batch.isEmpty() ? Future.succeededFuture(batch)
        : retire(team + "/" + id, batch.get().finishedAtMs() + batch.get().retentionMs()).transform(retired -> {
          if (retired.failed()) {
            LOG.warn("batch {} of team {} finished but not put in the retention set yet: {}", id, team,
                retired.cause().toString());
          }
          return Future.succeededFuture(batch);
        }));
  }

  /**
   * A finished batch moves from the active set to the retention set, by the end of its retention (Redis time), for
   * the sweeper; in that order, so it is always in one of them.
   */
  private Future<Void> retire(String member, long retentionEndMs) {
    return redis.send("ZADD", keys.retention(), "NX", Long.toString(retentionEndMs), member)
        .compose(v -> redis.send("SREM", keys.active(), member)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
