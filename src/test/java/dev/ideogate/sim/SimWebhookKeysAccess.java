package dev.ideogate.sim;

/** Test access to the simulator's package-private key constructor. */
public final class SimWebhookKeysAccess {
  private SimWebhookKeysAccess() {}

  public static SimWebhookKeys create() {
    return new SimWebhookKeys();
  }
}
