package dev.ideogate.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ideogate.ingress.BufferedBodies.Refusal;
import org.junit.jupiter.api.Test;

/** The accounting of ARCHITECTURE.md §11 (memory), directly: caps, refusals that take nothing, idempotent release. */
class BufferedBodiesTest {
  private static final long BIG = BufferedBodies.UPLOAD_BYTES + 1;

  @Test
  void smallBodiesAreNotUploadsAndCountOnlyTheirBytes() {
    BufferedBodies bodies = new BufferedBodies(1_000_000, 1);
    BufferedBodies.Claim a = bodies.claim("k");
    BufferedBodies.Claim b = bodies.claim("k");
    assertEquals(Refusal.NONE, a.growTo(1_000));
    assertEquals(Refusal.NONE, b.growTo(BufferedBodies.UPLOAD_BYTES));
    assertEquals(0, bodies.uploads());
    assertEquals(1_000 + BufferedBodies.UPLOAD_BYTES, bodies.bytes());
  }

  @Test
  void aKeysUploadsAreCappedAndARefusalTakesNothing() {
    BufferedBodies bodies = new BufferedBodies(10_000_000, 2);
    BufferedBodies.Claim one = bodies.claim("k");
    BufferedBodies.Claim two = bodies.claim("k");
    BufferedBodies.Claim three = bodies.claim("k");
    assertEquals(Refusal.NONE, one.growTo(BIG));
    assertEquals(Refusal.NONE, two.growTo(100));
    assertEquals(Refusal.NONE, two.growTo(BIG));
    assertEquals(Refusal.KEY_UPLOADS, three.growTo(BIG));
    assertEquals(Refusal.NONE, bodies.claim("other").growTo(BIG));
    assertEquals(3, bodies.uploads());
    assertEquals(3 * BIG, bodies.bytes());
    one.release();
    one.release();
    assertEquals(Refusal.NONE, three.growTo(BIG));
    assertEquals(3 * BIG, bodies.bytes());
  }

  @Test
  void theReplicaCapRefusesWhatWouldPassItAndReleaseGivesEverythingBack() {
    BufferedBodies bodies = new BufferedBodies(2 * BIG, 10);
    BufferedBodies.Claim one = bodies.claim("a");
    BufferedBodies.Claim two = bodies.claim("b");
    assertEquals(Refusal.NONE, one.growTo(2 * BIG));
    assertEquals(Refusal.REPLICA_FULL, two.growTo(BIG));
    assertEquals(2 * BIG, bodies.bytes());
    two.release();
    one.release();
    assertEquals(0, bodies.bytes());
    assertEquals(0, bodies.uploads());
  }
}
