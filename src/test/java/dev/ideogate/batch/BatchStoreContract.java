package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The rules every {@link BatchStore} keeps (ARCHITECTURE.md §11), run against each implementation. */
abstract class BatchStoreContract {
  static final long LEASE_MS = 60_000;
  private static final AtomicInteger TEAMS = new AtomicInteger();

  abstract BatchStore store();

  /** The store's time now (ms). */
  abstract long now();

  /** Lets a lease of {@code leaseMs} taken now run out. */
  abstract void outlive(long leaseMs);

  /** The batches the team's list reads (the Redis store: its index, which its list reads in full). */
  int listed(String team) {
    return await(store().list(team)).size();
  }

  static String newTeam() {
    return "team" + TEAMS.incrementAndGet() + "x" + System.nanoTime() % 100_000;
  }

  static List<BatchLine> lines(int n) {
    List<BatchLine> lines = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      lines.add(new BatchLine(i, "c" + i, "/v1/ideogram-v3/generate", "{\"prompt\":\"p" + i + "\"}"));
    }
    return lines;
  }

  Batch newBatch(String team, String id, OnBudget onBudget, int lines) {
    return newBatch(team, id, onBudget, lines, 60_000);
  }

  Batch newBatch(String team, String id, OnBudget onBudget, int lines, long retentionMs) {
    return new Batch(id, team, BatchState.RUNNING, onBudget, "", now(), retentionMs, 0, lines,
        Map.of(LineState.QUEUED, lines), 0, 0);
  }

  BatchStore.Claim claim(BatchStore store) {
    return await(store.claim(now(), LEASE_MS)).orElseThrow(() -> new AssertionError("no line to claim"));
  }

  static LineResult succeeded(BatchLine line, long cost) {
    return new LineResult(line.number(), line.customId(), LineState.SUCCEEDED, null, null,
        List.of("t/b/" + line.number() + "-1.png"), cost, 5);
  }

  @Test
  void aBatchIsItsTeamsAloneAndOpenBatchesAreBounded() {
    BatchStore store = store();
    String team = newTeam();
    assertTrue(await(store.create(newBatch(team, "b1", OnBudget.PAUSE, 3), lines(3), 2)));
    assertTrue(await(store.create(newBatch(team, "b2", OnBudget.PAUSE, 3), lines(3), 2)));
    assertFalse(await(store.create(newBatch(team, "b3", OnBudget.PAUSE, 3), lines(3), 2)), "a third open batch");
    Batch b1 = await(store.get(team, "b1")).orElseThrow();
    assertEquals(BatchState.RUNNING, b1.state());
    assertEquals(3, b1.count(LineState.QUEUED));
    assertEquals(Optional.empty(), await(store.get(newTeam(), "b1")));
    assertEquals(List.of("b2", "b1"), await(store.list(team)).stream().map(Batch::id).toList());
    assertFalse(await(store.cancel(newTeam(), "b1", now())), "another team cannot cancel it");
    assertEquals(Optional.empty(), await(store.get(team, "b3")), "a refused batch stored nothing");
  }

  @Test
  void everyLineIsClaimedOnceAndTheLastOneFinishesTheBatch() {
    BatchStore store = store();
    String team = newTeam();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 3), lines(3), 5));
    List<BatchStore.Claim> claims = new ArrayList<>();
    Optional<BatchStore.Claim> next;
    while ((next = await(store.claim(now(), LEASE_MS))).isPresent()) {
      if (next.get().team().equals(team)) {
        claims.add(next.get());
      }
    }
    assertEquals(List.of(1, 2, 3), claims.stream().map(c -> c.line().number()).toList());
    assertEquals(3, await(store.get(team, "b")).orElseThrow().count(LineState.RUNNING));
    assertEquals(Optional.empty(), await(store.finish(claims.get(0), succeeded(claims.get(0).line(), 30_000), now())));
    assertEquals(Optional.empty(), await(store.finish(claims.get(2), succeeded(claims.get(2).line(), 60_000), now())));
    Batch done = await(store.finish(claims.get(1), succeeded(claims.get(1).line(), 30_000), now())).orElseThrow();
    assertEquals(BatchState.COMPLETED, done.state());
    assertEquals(3, done.count(LineState.SUCCEEDED));
    assertEquals(120_000, done.costMicroUsd());
    assertTrue(done.finishedAtMs() > 0);
    List<LineResult> results = await(store.results(team, "b"));
    assertEquals(List.of(1, 2, 3), results.stream().map(LineResult::number).toList());
    assertEquals(List.of("t/b/3-1.png"), results.get(2).imageKeys());
    assertEquals(Optional.empty(), await(store.finish(claims.get(1), succeeded(claims.get(1).line(), 30_000), now())),
        "a line finishes once");
    assertEquals(120_000, await(store.get(team, "b")).orElseThrow().costMicroUsd());
  }

  @Test
  void cancelEndsTheQueuedLinesAndLetsTheRunningOneFinish() {
    BatchStore store = store();
    String team = newTeam();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 4), lines(4), 5));
    BatchStore.Claim running = claimOf(store, team);
    assertTrue(await(store.cancel(team, "b", now())));
    Batch cancelled = await(store.get(team, "b")).orElseThrow();
    assertEquals(BatchState.CANCELLED, cancelled.state());
    assertEquals(3, cancelled.count(LineState.CANCELLED));
    assertEquals(1, cancelled.count(LineState.RUNNING));
    assertFalse(await(store.cancel(team, "b", now())), "cancelled once");
    Batch finished = await(store.finish(running, succeeded(running.line(), 30_000), now())).orElseThrow();
    assertEquals(BatchState.CANCELLED, finished.state());
    assertEquals(1, finished.count(LineState.SUCCEEDED));
    assertEquals(0, finished.open());
  }

  @Test
  void aLineOfAVanishedReplicaIsRequeuedWithoutAHoldAndTakenOverWithOne() {
    BatchStore store = store();
    String team = newTeam();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 2), lines(2), 5));
    long lease = shortLease();
    BatchStore.Claim withHold = await(store.claim(now(), lease)).filter(c -> c.team().equals(team)).orElseThrow();
    await(store.record(withHold, LineHold.reserving(90_000)));
    BatchStore.Claim withoutHold = await(store.claim(now(), lease)).filter(c -> c.team().equals(team)).orElseThrow();
    outlive(lease);

    BatchStore.Claim takeover = claimOf(store, team);
    assertEquals(withHold.line().number(), takeover.line().number(), "a recorded hold: taken over first");
    assertTrue(takeover.takenOver());
    assertEquals(LineHold.reserving(90_000), takeover.hold());
    assertEquals(withHold.holdId(), takeover.holdId(), "the same hold id on every replica");
    BatchStore.Claim again = claimOf(store, team);
    assertEquals(withoutHold.line().number(), again.line().number(), "no hold: queued again");
    assertFalse(again.takenOver());

    LineResult unknown = LineResult.failed(takeover.line(), LineState.UNKNOWN, "upstream_timeout", "gone", 90_000);
    assertEquals(Optional.empty(), await(store.finish(takeover, unknown, now())));
    assertEquals(Optional.empty(), await(store.finish(withHold, succeeded(withHold.line(), 30_000), now())),
        "the vanished replica's late answer changes nothing");
    Batch done = await(store.finish(again, succeeded(again.line(), 30_000), now())).orElseThrow();
    assertEquals(120_000, done.costMicroUsd());
    assertEquals(1, done.count(LineState.UNKNOWN));
    assertEquals(BatchState.COMPLETED, done.state());
  }

  @Test
  void aLineTakenOverAfterItsChargeWasRecordedCarriesThatChargeAndItsOldClaimCanChangeNothing() {
    BatchStore store = store();
    String team = newTeam();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 1), lines(1), 5));
    long lease = shortLease();
    BatchStore.Claim first = await(store.claim(now(), lease)).filter(c -> c.team().equals(team)).orElseThrow();
    await(store.record(first, LineHold.reserving(90_000)));
    await(store.record(first, LineHold.charging(30_000, 1)));
    outlive(lease);

    BatchStore.Claim takeover = claimOf(store, team);
    assertEquals(LineHold.charging(30_000, 1), takeover.hold(), "the recorded charge, not the worst case");
    assertTrue(await(store.record(first, LineHold.charging(0, 0)).map(false)
        .recover(e -> io.vertx.core.Future.succeededFuture(e instanceof BatchStore.TakenBack))),
        "the old claim can record nothing");
    assertEquals(List.of(), await(store.renew(List.of(first), now(), LEASE_MS)), "nor renew its lease");
    assertEquals(Optional.empty(), await(store.finish(first, succeeded(first.line(), 30_000), now())),
        "nor finish it");
    LineResult unknown = LineResult.failed(takeover.line(), LineState.UNKNOWN, "upstream_error", "lost", 30_000);
    Batch done = await(store.finish(takeover, unknown, now())).orElseThrow();
    assertEquals(30_000, done.costMicroUsd());
    assertEquals(1, done.count(LineState.UNKNOWN));
  }

  @Test
  void aRenewedLeaseKeepsALongLineWithItsReplica() {
    BatchStore store = store();
    String team = newTeam();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 1), lines(1), 5));
    long lease = shortLease();
    BatchStore.Claim claim = await(store.claim(now(), lease)).filter(c -> c.team().equals(team)).orElseThrow();
    await(store.record(claim, LineHold.reserving(90_000)));
    for (int i = 0; i < 4; i++) {
      outlive(lease / 2);
      assertEquals(List.of(claim.line().number()), await(store.renew(List.of(claim), now(), lease)));
      assertTrue(await(store.claim(now(), lease)).filter(c -> c.team().equals(team)).isEmpty(),
          "a renewed line is not taken over (" + (i + 1) * lease / 2 + " ms, twice its lease, in)");
    }
    outlive(lease);
    BatchStore.Claim takeover = claimOf(store, team);
    assertTrue(takeover.takenOver(), "once renewals stop, the line is taken over after its lease");
  }

  @Test
  void aFinishedBatchPastItsRetentionIsGivenToOneSweeperOnce() {
    BatchStore store = store();
    String team = newTeam();
    long retention = shortLease();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 1, retention), lines(1), 5));
    BatchStore.Claim claim = claimOf(store, team);
    await(store.finish(claim, succeeded(claim.line(), 30_000), now())).orElseThrow();
    assertFalse(await(store.takeExpired(now(), 100)).contains(team + "/b"), "not before its retention ends");
    assertEquals(1, listed(team));
    outlive(retention);
    // no claim looks at it: it was put up for retention when it finished
    assertTrue(await(store.takeExpired(now(), 100)).contains(team + "/b"));
    assertFalse(await(store.takeExpired(now(), 100)).contains(team + "/b"), "given once");
    await(store.expireLater(team + "/b", now()));
    assertTrue(await(store.takeExpired(now(), 100)).contains(team + "/b"), "given back, taken again");
    await(store.swept(team + "/b"));
    assertEquals(0, listed(team), "a batch past its retention leaves its team's list");
    assertFalse(await(store.takeExpired(now(), 100)).contains(team + "/b"), "swept: never given again");
    assertTrue(await(store.claim(now(), LEASE_MS)).filter(c -> c.team().equals(team)).isEmpty());
  }

  @Test
  void aBatchCancelledWithNoLineRunningIsPutUpForRetentionAtOnce() {
    BatchStore store = store();
    String team = newTeam();
    long retention = shortLease();
    await(store.create(newBatch(team, "b", OnBudget.PAUSE, 3, retention), lines(3), 5));
    assertTrue(await(store.cancel(team, "b", now())));
    assertEquals(BatchState.CANCELLED, await(store.get(team, "b")).orElseThrow().state());
    outlive(retention);
    assertTrue(await(store.takeExpired(now(), 100)).contains(team + "/b"), "no claim needed to find it");
  }

  @Test
  void aBudgetRefusalPausesTheBatchOrFailsTheRest() {
    BatchStore store = store();
    String pausing = newTeam();
    await(store.create(newBatch(pausing, "b", OnBudget.PAUSE, 3), lines(3), 5));
    BatchStore.Claim refused = claimOf(store, pausing);
    assertEquals(Optional.empty(), await(store.budgetRefused(refused, now(), now() + 3_600_000)));
    Batch paused = await(store.get(pausing, "b")).orElseThrow();
    assertEquals(BatchState.PAUSED, paused.state());
    assertEquals(3, paused.count(LineState.QUEUED));
    assertTrue(await(store.claim(now(), LEASE_MS)).filter(c -> c.team().equals(pausing)).isEmpty(),
        "a paused batch gives no line");

    String failing = newTeam();
    await(store.create(newBatch(failing, "b", OnBudget.FAIL, 3), lines(3), 5));
    BatchStore.Claim first = claimOf(store, failing);
    await(store.finish(first, succeeded(first.line(), 30_000), now()));
    BatchStore.Claim second = claimOf(store, failing);
    Batch failed = await(store.budgetRefused(second, now(), now() + 3_600_000)).orElseThrow();
    assertEquals(BatchState.COMPLETED, failed.state());
    assertEquals(2, failed.count(LineState.BUDGET_EXCEEDED));
    assertEquals(1, failed.count(LineState.SUCCEEDED));
  }

  /** The lease the lease test waits out. */
  long shortLease() {
    return 300;
  }

  /** Claims until a line of {@code team} comes (other tests' batches share the store). */
  BatchStore.Claim claimOf(BatchStore store, String team) {
    for (int i = 0; i < 100; i++) {
      Optional<BatchStore.Claim> claim = await(store.claim(now(), LEASE_MS));
      if (claim.isPresent() && claim.get().team().equals(team)) {
        return claim.get();
      }
    }
    throw new AssertionError("no line of " + team + " to claim");
  }
}
