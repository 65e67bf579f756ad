package dev.ideogate.sim;

import dev.ideogate.upstream.KeyFingerprint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulator's accounts by key fingerprint, and the knobs in force. Configured accounts exist from the start;
 * with {@code acceptAnyKey} any other key gets an unlimited account on first use.
 */
final class SimAccounts {
  private final Map<String, SimulatorOptions.Account> configured = new HashMap<>();
  private final Map<String, SimAccount> byFingerprint = new ConcurrentHashMap<>();
  private final boolean acceptAnyKey;
  private volatile SimulatorKnobs globalKnobs = SimulatorKnobs.NONE;

  SimAccounts(List<SimulatorOptions.Account> accounts, boolean acceptAnyKey) {
    this.acceptAnyKey = acceptAnyKey;
    for (SimulatorOptions.Account account : accounts) {
      configured.put(account.apiKey(), account);
      String fingerprint = KeyFingerprint.of(account.apiKey());
      byFingerprint.put(fingerprint,
          new SimAccount(fingerprint, account.creditsMicroUsd(), account.maxInFlight(), 0));
    }
  }

  /** The account of a presented key, or null when the key is missing or unknown (401/403). */
  SimAccount authenticate(String apiKey) {
    if (apiKey == null || apiKey.isBlank() || (!acceptAnyKey && !configured.containsKey(apiKey))) {
      return null;
    }
    return account(KeyFingerprint.of(apiKey));
  }

  SimAccount account(String fingerprint) {
    return byFingerprint.computeIfAbsent(fingerprint, fp -> new SimAccount(fp, null,
        SimulatorOptions.DEFAULT_MAX_IN_FLIGHT, globalKnobs.force429Count()));
  }

  SimulatorKnobs globalKnobs() {
    return globalKnobs;
  }

  void configure(SimulatorKnobs knobs) {
    globalKnobs = knobs == null ? SimulatorKnobs.NONE : knobs;
    byFingerprint.values().forEach(account -> account.globalKnobsChanged(globalKnobs));
  }

  void configure(String fingerprint, SimulatorKnobs knobs) {
    account(fingerprint).configure(knobs, globalKnobs);
  }

  SimulatorStats stats(String fingerprint) {
    SimAccount account = byFingerprint.get(fingerprint);
    return account == null ? SimulatorStats.empty(fingerprint) : account.stats();
  }

  Map<String, SimulatorStats> allStats() {
    Map<String, SimulatorStats> all = new java.util.TreeMap<>();
    byFingerprint.forEach((fp, account) -> all.put(fp, account.stats()));
    return all;
  }

  List<RecordedRequest> recentRequests(String fingerprint) {
    SimAccount account = byFingerprint.get(fingerprint);
    return account == null ? List.of() : account.recentRequests();
  }

  void reset() {
    globalKnobs = SimulatorKnobs.NONE;
    byFingerprint.values().forEach(SimAccount::reset);
  }
}
