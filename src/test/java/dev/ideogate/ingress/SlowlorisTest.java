package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.SecurityFixture.ALPHA_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.testing.SecurityFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 200 connections dribbling one header byte per second (never idle, never complete) must not stop normal clients,
 * and are closed once {@code server.headerTimeout} (2 s here) has passed.
 */
class SlowlorisTest {
  private static final int ATTACKERS = 200;

  @Test
  void dribblingHeadersDoNotStarveNormalClientsAndAreCutOffAfterTheHeaderTimeout() throws Exception {
    try (SecurityFixture fixture = new SecurityFixture()) {
      Gateway gateway = fixture.start(SecurityFixture.parse(fixture.yaml("", "headerTimeout: 2s\nidleTimeout: 60s", "")));
      byte[] head = ("POST /generate HTTP/1.1\r\nHost: x\r\nApi-Key: " + ALPHA_KEY + "\r\nX-Padding: "
          + "a".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      List<SocketChannel> sockets = new ArrayList<>();
      for (int i = 0; i < ATTACKERS; i++) {
        SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", gateway.port()));
        socket.configureBlocking(false);
        sockets.add(socket);
      }
      long start = System.nanoTime();
      int[] closedAtSecond = new int[ATTACKERS];
      int served = 0;
      for (int second = 0; second < 5; second++) {
        for (int i = 0; i < ATTACKERS; i++) {
          if (closedAtSecond[i] == 0 && !stillOpen(sockets.get(i), head[second])) {
            closedAtSecond[i] = second + 1;
          }
        }
        // a normal client is served while the attack goes on
        if (second < 2) {
          long t = System.nanoTime();
          var reply = await(fixture.generate(gateway.port(), ALPHA_KEY, "a calm lake"));
          assertEquals(200, reply.status(), reply.toString());
          assertTrue((System.nanoTime() - t) / 1_000_000 < 2000, "normal request took over 2 s under attack");
          served++;
        }
        Thread.sleep(Math.max(0, (second + 1) * 1000L - (System.nanoTime() - start) / 1_000_000));
      }
      int closed = 0;
      for (int i = 0; i < ATTACKERS; i++) {
        if (closedAtSecond[i] != 0 || !stillOpen(sockets.get(i), (byte) 'b')) {
          closed++;
        }
        sockets.get(i).close();
      }
      assertEquals(2, served);
      assertEquals(ATTACKERS, closed, "every dribbling connection is closed within 2.5 s of the 2 s timeout");
      for (int i = 0; i < ATTACKERS; i++) {
        assertTrue(closedAtSecond[i] == 0 || closedAtSecond[i] >= 2, "closed too early: second " + closedAtSecond[i]);
      }
    }
  }

  /** Writes one byte; false once the server has closed the connection (EOF on read, or a failed write). */
  private static boolean stillOpen(SocketChannel socket, byte b) {
    try {
      socket.write(ByteBuffer.wrap(new byte[] {b}));
      return socket.read(ByteBuffer.allocate(64)) != -1;
    } catch (IOException e) {
      return false;
    }
  }
}
