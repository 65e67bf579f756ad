package dev.ideogate.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One API key's live state: credits, in-flight calls and what was observed. Every method is synchronized, so the
 * counts are exact whichever thread (event loop or a test) touches them. A call is in flight from its admission
 * (after authentication) until just before its answer is written, so a caller that sees the answer can never see
 * the simulator still counting it.
 */
final class SimAccount {
  static final int MAX_RECORDED_REQUESTS = 1000;

  private final String fingerprint;
  private final Long initialCreditsMicroUsd;
  private final int maxInFlight;
  private final ArrayDeque<Call> recent = new ArrayDeque<>();

  private Long creditsMicroUsd;
  private SimulatorKnobs knobs;
  private int force429Remaining;
  private long requests;
  private long accepted;
  private long rejected429;
  private long images;
  private long creditsUsedMicroUsd;
  private int inFlight;
  private int maxConcurrency;
  private String lastPath;
  private String lastTraceparent;
  private String lastRequestId;

  SimAccount(String fingerprint, Long creditsMicroUsd, int maxInFlight, int force429Count) {
    this.fingerprint = fingerprint;
    this.initialCreditsMicroUsd = creditsMicroUsd;
    this.creditsMicroUsd = creditsMicroUsd;
    this.maxInFlight = maxInFlight;
    this.force429Remaining = force429Count;
  }

  String fingerprint() {
    return fingerprint;
  }

  /** Records an arrival and admits it, or rejects it with 429 (forced, or the in-flight limit reached). */
  synchronized Call arrive(String path, long nowMs, SimulatorKnobs globalKnobs) {
    requests++;
    lastPath = path;
    int limit = limit(globalKnobs);
    Call call = new Call(path, nowMs, limit);
    recent.addLast(call);
    if (recent.size() > MAX_RECORDED_REQUESTS) {
      recent.removeFirst();
    }
    if (force429Remaining > 0) {
      force429Remaining--;
    } else if (inFlight < limit) {
      inFlight++;
      maxConcurrency = Math.max(maxConcurrency, inFlight);
      call.inFlight = true;
    }
    return call;
  }

  /** Takes the price from the credits; false when they do not cover it. */
  synchronized boolean charge(long priceMicroUsd) {
    if (creditsMicroUsd != null && creditsMicroUsd < priceMicroUsd) {
      return false;
    }
    if (creditsMicroUsd != null) {
      creditsMicroUsd -= priceMicroUsd;
    }
    creditsUsedMicroUsd += priceMicroUsd;
    return true;
  }

  synchronized void refund(long priceMicroUsd) {
    if (creditsMicroUsd != null) {
      creditsMicroUsd += priceMicroUsd;
    }
    creditsUsedMicroUsd -= priceMicroUsd;
  }

  synchronized Long creditsMicroUsd() {
    return creditsMicroUsd;
  }

  /** Ends a call once: it leaves the in-flight count and its outcome is counted. */
  synchronized void finish(Call call, int status, int imagesReturned, long nowMs) {
    if (call.finishedAtMs != 0) {
      return;
    }
    call.finishedAtMs = Math.max(nowMs, 1);
    call.status = status;
    if (call.inFlight) {
      inFlight--;
    }
    if (status >= 200 && status < 300) {
      accepted++;
      images += imagesReturned;
    } else if (status == 429) {
      rejected429++;
    }
  }

  synchronized SimulatorKnobs knobs(SimulatorKnobs globalKnobs) {
    return knobs == null ? globalKnobs : knobs;
  }

  /** Per-key knobs (null = follow the global ones); arms force429Count for this key. */
  synchronized void configure(SimulatorKnobs keyKnobs, SimulatorKnobs globalKnobs) {
    knobs = keyKnobs;
    force429Remaining = (keyKnobs == null ? globalKnobs : keyKnobs).force429Count();
  }

  /** New global knobs: arms their force429Count unless this key has its own knobs. */
  synchronized void globalKnobsChanged(SimulatorKnobs globalKnobs) {
    if (knobs == null) {
      force429Remaining = globalKnobs.force429Count();
    }
  }

  /** Zeroes the stats and the log, restores the credits and drops per-key knobs; calls in flight stay counted. */
  synchronized void reset() {
    recent.clear();
    creditsMicroUsd = initialCreditsMicroUsd;
    knobs = null;
    force429Remaining = 0;
    requests = 0;
    accepted = 0;
    rejected429 = 0;
    images = 0;
    creditsUsedMicroUsd = 0;
    maxConcurrency = inFlight;
    lastPath = null;
    lastTraceparent = null;
    lastRequestId = null;
  }

  /** The tracing headers of the latest arrival, as Ideogram would log them (ARCHITECTURE.md §9). */
  synchronized void sawHeaders(String traceparent, String requestId) {
    lastTraceparent = traceparent;
    lastRequestId = requestId;
  }

  synchronized SimulatorStats stats() {
    return new SimulatorStats(fingerprint, requests, accepted, rejected429, images, creditsUsedMicroUsd,
        creditsMicroUsd, inFlight, maxConcurrency, lastPath, lastTraceparent, lastRequestId);
  }

  synchronized List<RecordedRequest> recentRequests() {
    List<RecordedRequest> list = new ArrayList<>(recent.size());
    for (Call call : recent) {
      list.add(new RecordedRequest(call.path, call.arrivedAtMs, call.status, call.finishedAtMs));
    }
    return list;
  }

  private int limit(SimulatorKnobs globalKnobs) {
    SimulatorKnobs effective = knobs == null ? globalKnobs : knobs;
    return effective.maxInFlight() == null ? maxInFlight : effective.maxInFlight();
  }

  /** One arrival; its mutable fields are guarded by the account's lock. */
  static final class Call {
    final String path;
    final long arrivedAtMs;
    final int limit;
    private boolean inFlight;
    private int status;
    private long finishedAtMs;

    private Call(String path, long arrivedAtMs, int limit) {
      this.path = path;
      this.arrivedAtMs = arrivedAtMs;
      this.limit = limit;
    }

    /** Admitted (false = answer 429). Set once, in {@link #arrive}, before the call is handed out. */
    boolean admitted() {
      return inFlight;
    }
  }
}
