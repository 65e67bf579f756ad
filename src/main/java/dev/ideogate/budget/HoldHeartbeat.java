package dev.ideogate.budget;

import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's holds whose calls are still running, renewed every third of the hold lease (ARCHITECTURE.md §7):
 * one {@code hold_renew.lua} per team and beat, all sent at once, none on the request path. A live replica's holds
 * thus never expire however long the call and its queue wait take, and a dead replica's holds expire one lease
 * after its last beat and are charged in full: the lease can be short (30 s by default).
 */
final class HoldHeartbeat {
  private static final Logger LOG = LoggerFactory.getLogger(HoldHeartbeat.class);
  /** Hold ids per script call: bounds one script's work (and its time inside Redis). */
  static final int MAX_IDS_PER_CALL = 256;

  private final RedisConnector redis;
  private final BudgetKeys keys;
  private final long leaseMs;
  private final HoldRenewScript script = new HoldRenewScript();
  private final Map<String, String> teamOfLiveHold = new ConcurrentHashMap<>();
  private final long timerId;

  HoldHeartbeat(RedisConnector redis, BudgetKeys keys, long leaseMs) {
    this.redis = redis;
    this.keys = keys;
    this.leaseMs = leaseMs;
    this.timerId = redis.vertx().setPeriodic(Math.max(1, leaseMs / 3), id -> beat());
    script.lua().preload(redis).onFailure(err -> LOG.debug("preloading hold_renew.lua failed; it loads on first use"));
  }

  void track(Hold hold) {
    teamOfLiveHold.put(hold.id(), hold.team());
  }

  /** Called before the hold is settled or released, so no beat renews a hold that is on its way out. */
  void forget(Hold hold) {
    teamOfLiveHold.remove(hold.id());
  }

  int live() {
    return teamOfLiveHold.size();
  }

  /** Renews every tracked hold; completes when Redis answered (a failed beat is retried by the next one). */
  Future<Void> beat() {
    Map<String, List<String>> byTeam = new HashMap<>();
    teamOfLiveHold.forEach((hold, team) -> byTeam.computeIfAbsent(team, t -> new ArrayList<>()).add(hold));
    List<Future<Integer>> sent = new ArrayList<>();
    byTeam.forEach((team, holds) -> {
      for (int from = 0; from < holds.size(); from += MAX_IDS_PER_CALL) {
        List<String> chunk = holds.subList(from, Math.min(holds.size(), from + MAX_IDS_PER_CALL));
        sent.add(script.run(redis, keys, team, leaseMs, chunk)
            .onFailure(err -> LOG.debug("hold heartbeat of team {} failed: {}", team, err.toString())));
      }
    });
    return Future.join(sent).<Void>mapEmpty().otherwiseEmpty();
  }

  void stop() {
    redis.vertx().cancelTimer(timerId);
  }
}
