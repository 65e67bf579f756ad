package dev.ideogate.budget;

import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every third of the hold lease (ARCHITECTURE.md §7), none of it on the request path:
 * <ul>
 *   <li>renews this replica's holds whose calls are still running: one {@code hold_renew.lua} per team, all sent at
 *       once. A live replica's holds thus never expire however long the call and its queue wait take;</li>
 *   <li>reaps: one {@code hold_reclaim.lua} per configured team charges in full the holds whose lease ran out, so a
 *       dead replica's holds are charged within a lease and a third of its last beat even when no request of the
 *       team comes (2 commands per team when nothing has expired).</li>
 * </ul>
 */
final class HoldHeartbeat {
  private static final Logger LOG = LoggerFactory.getLogger(HoldHeartbeat.class);
  /** Holds per renewal call: bounds one script's work (and its time inside Redis). */
  static final int MAX_IDS_PER_CALL = 256;


  private final RedisConnector redis;
  private final BudgetKeys keys;
  private final long leaseMs;
  private final HoldRenewScript renewScript = new HoldRenewScript();
  private final HoldReclaimScript reclaimScript;
  private final Map<String, Hold> liveHolds = new ConcurrentHashMap<>();
  private volatile Supplier<? extends Collection<String>> reapedTeams = List::of;
  private final long timerId;

  HoldHeartbeat(RedisConnector redis, BudgetKeys keys, long leaseMs, HoldReclaimScript reclaimScript) {
    this.redis = redis;
    this.keys = keys;
    this.leaseMs = leaseMs;
    this.reclaimScript = reclaimScript;
    this.timerId = redis.vertx().setPeriodic(Math.max(1, leaseMs / 3), id -> beat());
    renewScript.lua().preload(redis)
        .onFailure(err -> LOG.debug("preloading hold_renew.lua failed; it loads on first use"));
  }

  /** The teams whose expired holds each beat charges (the configured teams; none until set). */
  void reap(Supplier<? extends Collection<String>> teams) {
    this.reapedTeams = teams;
  }

  void track(Hold hold) {
    liveHolds.put(hold.id(), hold); // its member is built at the beat, off the request path
  }

  /** Called before the hold is settled or released, so no beat renews a hold that is on its way out. */
  void forget(Hold hold) {
    liveHolds.remove(hold.id());
  }

  int live() {
    return liveHolds.size();
  }

  /** Renews every tracked hold and reaps; completes when Redis answered (a failed beat is retried by the next). */
  Future<Void> beat() {
    long nowMs = redis.clock().nowMs();
    Map<String, List<String>> byTeam = new HashMap<>();
    liveHolds.values().forEach(hold -> byTeam.computeIfAbsent(hold.team(), t -> new ArrayList<>())
        .add(keys.member(hold)));
    List<Future<?>> sent = new ArrayList<>();
    byTeam.forEach((team, members) -> {
      for (int from = 0; from < members.size(); from += MAX_IDS_PER_CALL) {
        List<String> chunk = members.subList(from, Math.min(members.size(), from + MAX_IDS_PER_CALL));
        sent.add(renewScript.run(redis, keys, team, leaseMs, nowMs, chunk)
            .onFailure(err -> LOG.debug("hold heartbeat of team {} failed: {}", team, err.toString())));
      }
    });
    for (String team : reapedTeams.get()) {
      sent.add(reclaim(team, nowMs));
    }
    return Future.join(sent).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Charges every expired hold of {@code team}, one bounded script call after another. */
  private Future<Void> reclaim(String team, long nowMs) {
    return reclaimScript.run(redis, keys, team, nowMs)
        .compose(charged -> charged < HoldReclaimScript.MAX_HOLDS_PER_CALL ? Future.<Void>succeededFuture()
            : reclaim(team, nowMs))
        .onFailure(err -> LOG.debug("reaping the expired holds of team {} failed: {}", team, err.toString()));
  }

  void stop() {
    redis.vertx().cancelTimer(timerId);
  }
}
