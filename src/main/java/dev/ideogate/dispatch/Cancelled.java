package dev.ideogate.dispatch;

/** The client went away before its job was sent upstream: nothing was sent, nothing is owed. */
public final class Cancelled extends RuntimeException {
  public static final Cancelled INSTANCE = new Cancelled();

  private Cancelled() {
    super("client disconnected before dispatch", null, false, false);
  }
}
