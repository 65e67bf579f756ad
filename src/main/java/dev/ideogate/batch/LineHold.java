package dev.ideogate.batch;

/**
 * What a running line has recorded about its budget hold (ARCHITECTURE.md §13), so that a replica taking the line
 * over charges it exactly once and never calls upstream again:
 * <ul>
 *   <li>{@link #reserving}: the line is about to reserve (or holds) a hold of this worst case under its own hold id
 *       and may be calling upstream; a takeover finds or makes that hold and charges it in full;</li>
 *   <li>{@link #charging}: the call was answered and the hold is about to be settled at this charge (0: released);
 *       a takeover settles the same hold id at the same charge, which charges nothing when it was settled already.</li>
 * </ul>
 * Stored as text in the line's hold record: {@code <µUSD>} or {@code c:<µUSD>:<images>}.
 */
public record LineHold(boolean charging, long microUsd, int images) {

  public LineHold {
    if (microUsd < 0 || images < 0) {
      throw new IllegalArgumentException("a hold record is ≥ 0 µUSD and images, got " + microUsd + ", " + images);
    }
  }

  public static LineHold reserving(long worstCaseMicroUsd) {
    return new LineHold(false, worstCaseMicroUsd, 0);
  }

  public static LineHold charging(long chargeMicroUsd, int images) {
    return new LineHold(true, chargeMicroUsd, images);
  }

  public String wire() {
    return charging ? "c:" + microUsd + ":" + images : Long.toString(microUsd);
  }

  public static LineHold fromWire(String wire) {
    if (wire.startsWith("c:")) {
      int colon = wire.indexOf(':', 2);
      return charging(Long.parseLong(wire.substring(2, colon)), Integer.parseInt(wire.substring(colon + 1)));
    }
    return reserving(Long.parseLong(wire));
  }
}
