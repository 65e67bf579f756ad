package dev.ideogate.sim;

import java.time.Duration;
import java.util.List;

/**
 * How a simulator runs.
 *
 * @param host interface to bind, 127.0.0.1 by default
 * @param port TCP port, 0 = a free port
 * @param timeScale multiplies every simulated delay (0 = no delay, 0.01 = 100× faster)
 * @param accounts the known API keys; empty = none configured
 * @param acceptAnyKey whether an unknown key is served as an unlimited account (10 in flight)
 * @param flaggedWords prompts containing one of these (case-insensitive) answer 422
 * @param imageUrlTtl how long a returned image URL stays valid (410 after)
 */
public record SimulatorOptions(
    String host,
    int port,
    double timeScale,
    List<Account> accounts,
    boolean acceptAnyKey,
    List<String> flaggedWords,
    Duration imageUrlTtl) {

  public static final List<String> DEFAULT_FLAGGED_WORDS = List.of("simulator-unsafe");
  public static final Duration DEFAULT_IMAGE_URL_TTL = Duration.ofHours(1);
  public static final int DEFAULT_MAX_IN_FLIGHT = 10;

  public SimulatorOptions {
    host = host == null || host.isBlank() ? "127.0.0.1" : host;
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (!(timeScale >= 0) || Double.isInfinite(timeScale)) {
      throw new IllegalArgumentException("timeScale must be a finite number ≥ 0, got " + timeScale);
    }
    accounts = accounts == null ? List.of() : List.copyOf(accounts);
    flaggedWords = flaggedWords == null ? DEFAULT_FLAGGED_WORDS : List.copyOf(flaggedWords);
    imageUrlTtl = imageUrlTtl == null ? DEFAULT_IMAGE_URL_TTL : imageUrlTtl;
    if (imageUrlTtl.isNegative() || imageUrlTtl.isZero()) {
      throw new IllegalArgumentException("imageUrlTtl must be positive, got " + imageUrlTtl);
    }
  }

  /** Loopback, a free port, real-time delays, every key accepted. */
  public static SimulatorOptions defaults() {
    return new SimulatorOptions("127.0.0.1", 0, 1.0, List.of(), true, DEFAULT_FLAGGED_WORDS, DEFAULT_IMAGE_URL_TTL);
  }

  public SimulatorOptions withHost(String newHost) {
    return new SimulatorOptions(newHost, port, timeScale, accounts, acceptAnyKey, flaggedWords, imageUrlTtl);
  }

  public SimulatorOptions withPort(int newPort) {
    return new SimulatorOptions(host, newPort, timeScale, accounts, acceptAnyKey, flaggedWords, imageUrlTtl);
  }

  public SimulatorOptions withTimeScale(double newTimeScale) {
    return new SimulatorOptions(host, port, newTimeScale, accounts, acceptAnyKey, flaggedWords, imageUrlTtl);
  }

  /** Sets the accounts; unknown keys are then refused unless there are none (ARCHITECTURE.md §10). */
  public SimulatorOptions withAccounts(List<Account> newAccounts) {
    boolean anyKey = newAccounts == null || newAccounts.isEmpty();
    return new SimulatorOptions(host, port, timeScale, newAccounts, anyKey, flaggedWords, imageUrlTtl);
  }

  public SimulatorOptions withAcceptAnyKey(boolean newAcceptAnyKey) {
    return new SimulatorOptions(host, port, timeScale, accounts, newAcceptAnyKey, flaggedWords, imageUrlTtl);
  }

  public SimulatorOptions withFlaggedWords(List<String> newFlaggedWords) {
    return new SimulatorOptions(host, port, timeScale, accounts, acceptAnyKey, newFlaggedWords, imageUrlTtl);
  }

  public SimulatorOptions withImageUrlTtl(Duration newTtl) {
    return new SimulatorOptions(host, port, timeScale, accounts, acceptAnyKey, flaggedWords, newTtl);
  }

  /**
   * An Ideogram account.
   *
   * @param apiKey the key clients send in {@code Api-Key}
   * @param creditsMicroUsd the credit balance in micro-USD, null = unlimited
   * @param maxInFlight concurrent requests allowed before 429, 10 by default
   */
  public record Account(String apiKey, Long creditsMicroUsd, int maxInFlight) {
    public Account {
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("an account needs a non-empty apiKey");
      }
      if (creditsMicroUsd != null && creditsMicroUsd < 0) {
        throw new IllegalArgumentException("creditsMicroUsd must be ≥ 0 or null (unlimited)");
      }
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be ≥ 1, got " + maxInFlight);
      }
    }

    /** Unlimited credits, 10 in flight. */
    public static Account unlimited(String apiKey) {
      return new Account(apiKey, null, DEFAULT_MAX_IN_FLIGHT);
    }

    @Override
    public String toString() { // never print the key
      return "Account[" + dev.ideogate.upstream.KeyFingerprint.of(apiKey) + ", creditsMicroUsd=" + creditsMicroUsd
          + ", maxInFlight=" + maxInFlight + "]";
    }
  }
}
