package dev.ideogate.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.dispatch.FairQueue.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FairQueueTest {
  private static final Function<String, Boolean> ANY_TEAM = team -> true;

  private static String pollTeam(FairQueue<String> queue, Function<String, Boolean> mayStart) {
    return queue.poll(mayStart).map(Entry::team).orElse("-");
  }

  private static List<String> drainTeams(FairQueue<String> queue, int polls) {
    List<String> teams = new ArrayList<>();
    for (int i = 0; i < polls; i++) {
      teams.add(pollTeam(queue, ANY_TEAM));
    }
    return teams;
  }

  @Test
  void servesOneTeamInFifoOrder() {
    FairQueue<String> queue = new FairQueue<>();
    queue.offer("a", "a1", 10);
    queue.offer("a", "a2", 10);
    assertEquals(Optional.of(new Entry<>("a", "a1")), queue.poll(ANY_TEAM));
    assertEquals(Optional.of(new Entry<>("a", "a2")), queue.poll(ANY_TEAM));
    assertEquals(Optional.empty(), queue.poll(ANY_TEAM));
  }

  @Test
  void servesTeamsRoundRobin() {
    FairQueue<String> queue = new FairQueue<>();
    for (int i = 0; i < 3; i++) {
      queue.offer("a", "a" + i, 10);
    }
    queue.offer("b", "b0", 10);
    for (int i = 0; i < 2; i++) {
      queue.offer("c", "c" + i, 10);
    }
    assertEquals(List.of("a", "b", "c", "a", "c", "a", "-"), drainTeams(queue, 7));
  }

  @Test
  void aFloodingTeamCannotStarveAnother() {
    FairQueue<String> queue = new FairQueue<>();
    for (int i = 0; i < 300; i++) {
      assertTrue(queue.offer("a", "a" + i, 1000));
    }
    for (int i = 0; i < 10; i++) {
      assertTrue(queue.offer("b", "b" + i, 1000));
    }
    List<String> first20 = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      first20.add(queue.poll(ANY_TEAM).orElseThrow().item());
    }
    assertEquals(10, first20.stream().filter(item -> item.startsWith("b")).count());
    assertEquals(List.of("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"),
        first20.stream().filter(item -> item.startsWith("b")).toList());
    assertEquals(290, queue.size());
    assertEquals(0, queue.depth("b"));
  }

  @Test
  void aLateTeamIsServedWithinOneRound() {
    FairQueue<String> queue = new FairQueue<>();
    for (int i = 0; i < 100; i++) {
      queue.offer("a", "a" + i, 1000);
      queue.offer("b", "b" + i, 1000);
    }
    drainTeams(queue, 5); // a b a b a
    queue.offer("c", "c0", 1000);
    assertEquals(List.of("b", "c", "a", "b"), drainTeams(queue, 4)); // c joins the ring after b
  }

  @Test
  void skipsATeamWhoseCapIsReached() {
    FairQueue<String> queue = new FairQueue<>();
    for (int i = 0; i < 5; i++) {
      queue.offer("a", "a" + i, 10);
      queue.offer("b", "b" + i, 10);
    }
    Function<String, Boolean> onlyB = team -> team.equals("b");
    assertEquals(List.of("b", "b", "b"), List.of(pollTeam(queue, onlyB), pollTeam(queue, onlyB), pollTeam(queue, onlyB)));
    assertEquals(5, queue.depth("a"));
    assertEquals("-", pollTeam(queue, team -> false));
    assertEquals("-", pollTeam(queue, team -> null));
    assertEquals(List.of("a", "b", "a", "b", "a", "a", "a", "-"), drainTeams(queue, 8));
  }

  @Test
  void refusesAnOfferBeyondTheTeamsBound() {
    FairQueue<String> queue = new FairQueue<>();
    assertTrue(queue.offer("a", "a0", 2));
    assertTrue(queue.offer("a", "a1", 2));
    assertFalse(queue.offer("a", "a2", 2));
    assertTrue(queue.offer("b", "b0", 2));
    assertFalse(queue.offer("c", "c0", 0));
    assertEquals(2, queue.depth("a"));
    assertEquals(0, queue.depth("c"));
    assertEquals(3, queue.size());
  }

  @Test
  void offerFirstPutsARetryAtTheHeadBeyondTheBound() {
    FairQueue<String> queue = new FairQueue<>();
    queue.offer("a", "a1", 2);
    queue.offer("a", "a2", 2);
    queue.offerFirst("a", "retry");
    assertEquals(3, queue.depth("a"));
    assertEquals("retry", queue.poll(ANY_TEAM).orElseThrow().item());
    assertEquals("a1", queue.poll(ANY_TEAM).orElseThrow().item());
  }

  @Test
  void offerFirstRejoinsTheRingForATeamWithNothingQueued() {
    FairQueue<String> queue = new FairQueue<>();
    queue.offer("a", "a0", 10);
    queue.offerFirst("b", "retry");
    assertEquals(List.of("a", "b"), queue.waitingTeams());
    assertEquals(new Entry<>("a", "a0"), queue.poll(ANY_TEAM).orElseThrow());
    assertEquals(new Entry<>("b", "retry"), queue.poll(ANY_TEAM).orElseThrow());
    assertTrue(queue.isEmpty());
  }

  @Test
  void removesAQueuedItemAndForgetsAnEmptyTeam() {
    FairQueue<String> queue = new FairQueue<>();
    queue.offer("a", "a0", 10);
    queue.offer("a", "a1", 10);
    queue.offer("b", "b0", 10);
    assertTrue(queue.remove("a", "a0"));
    assertFalse(queue.remove("a", "a0"));
    assertFalse(queue.remove("b", "a1"));
    assertFalse(queue.remove("zz", "a1"));
    assertTrue(queue.remove("b", "b0"));
    assertEquals(List.of("a"), queue.waitingTeams());
    assertEquals(1, queue.size());
    assertEquals(new Entry<>("a", "a1"), queue.poll(ANY_TEAM).orElseThrow());
  }

  @Test
  void keepsTheRoundRobinTurnWhenATeamBeforeTheCursorLeaves() {
    FairQueue<String> queue = new FairQueue<>();
    for (String team : List.of("a", "b", "c")) {
      queue.offer(team, team + "0", 10);
      queue.offer(team, team + "1", 10);
    }
    assertEquals("a", pollTeam(queue, ANY_TEAM)); // cursor now at b
    queue.remove("a", "a1"); // a leaves the ring before the cursor
    assertEquals(List.of("b", "c", "b", "c", "-"), drainTeams(queue, 5));
  }

  @Test
  void countsEverythingWaiting() {
    FairQueue<String> queue = new FairQueue<>();
    for (String team : Set.of("a", "b", "c")) {
      for (int i = 0; i < 4; i++) {
        queue.offer(team, team + i, 10);
      }
    }
    assertEquals(12, queue.size());
    drainTeams(queue, 5);
    assertEquals(7, queue.size());
    assertEquals(7, queue.depth("a") + queue.depth("b") + queue.depth("c"));
  }

  @Test
  void batchLinesYieldToEveryWaitingInteractiveRequest() {
    FairQueue<String> queue = new FairQueue<>();
    for (int i = 0; i < 500; i++) {
      queue.offerBatch("a", "line" + i);
    }
    queue.offer("a", "direct-a", 1);
    queue.offer("b", "direct-b", 1);
    assertEquals(1, queue.depth("a"), "batch lines do not count against maxQueued");
    assertEquals(500, queue.batchDepth("a"));
    assertEquals("direct-a", queue.poll(ANY_TEAM).orElseThrow().item());
    assertEquals("direct-b", queue.poll(ANY_TEAM).orElseThrow().item());
    assertEquals("line0", queue.poll(ANY_TEAM).orElseThrow().item());
    queue.offer("a", "direct-a2", 1);
    assertEquals("direct-a2", queue.poll(ANY_TEAM).orElseThrow().item(), "a new request overtakes the batch");
    assertEquals(502 - 3, queue.size());
  }

  @Test
  void aBatchLineStartsWhenTheInteractiveRequestsCannot() {
    FairQueue<String> queue = new FairQueue<>();
    queue.offer("a", "direct-a", 10);
    queue.offerBatch("b", "line-b");
    assertEquals("line-b", queue.poll(team -> !team.equals("a")).orElseThrow().item(),
        "team a at its cap: b's batch line may go");
    queue.offerFirst("b", "line-b", true);
    assertEquals(0, queue.depth("b"), "a retried batch line goes back to its own class");
    assertTrue(queue.remove("b", "line-b"));
  }
}
