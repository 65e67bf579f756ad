package dev.ideogate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} child process on a loopback port, in its own temp directory, never persisting. Used by
 * {@link RedisServer} and {@link RedisCluster}; every process is killed when the test JVM exits.
 */
final class RedisProcess {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  RedisProcess(int port, List<String> extraArgs) throws IOException {
    this.port = port;
    this.dir = Files.createTempDirectory("ideogate-redis-" + port + "-");
    this.extraArgs = extraArgs;
  }

  static boolean onPath() {
    try {
      Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int port() {
    return port;
  }

  synchronized void start() {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString()));
    command.addAll(extraArgs);
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
    }
    LIVE.add(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server on port " + port + " exited: " + log());
      }
      try {
        if ("PONG".equals(command(port, "PING"))) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      sleep(20);
    }
    throw new IllegalStateException("redis-server on port " + port + " did not answer PING within 10 s: " + log());
  }

  /** SIGTERM and wait: a clean shutdown. */
  synchronized void stop() {
    end(false);
  }

  /** SIGKILL: the abrupt death of a node. */
  synchronized void kill() {
    end(true);
  }

  /** SIGSTOP: the process keeps its socket but answers nothing (a frozen Redis). */
  synchronized void freeze() {
    signal("-STOP");
  }

  synchronized void thaw() {
    signal("-CONT");
  }

  private void end(boolean abruptly) {
    if (process == null) {
      return;
    }
    signal("-CONT"); // a frozen process cannot act on SIGTERM
    if (abruptly) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
    process = null;
  }

  private void signal(String signal) {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot signal redis-server: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String log() {
    try {
      String log = Files.readString(dir.resolve("redis.log"));
      return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** A loopback port free now (and, when asked, whose cluster bus port + 10000 is free too); never 6379. */
  static int freePort(boolean withClusterBus) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = withClusterBus ? ThreadLocalRandom.current().nextInt(20000, 50000) : bindable(0);
      if (port != 6379 && port > 0 && bindable(port) == port && (!withClusterBus || bindable(port + 10000) > 0)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port found");
  }

  private static int bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return socket.getLocalPort();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Sends one command in RESP and returns a simple, bulk or integer reply as text ("-ERR …" for errors). */
  static String command(int port, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      socket.setSoTimeout(2000);
      StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
      for (String arg : args) {
        request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
            .append(arg).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String line = readLine(in);
      if (line.startsWith("$")) {
        int length = Integer.parseInt(line.substring(1));
        return length < 0 ? null : new String(in.readNBytes(length + 2), StandardCharsets.UTF_8).trim();
      }
      return line.startsWith("-") ? line : line.substring(1);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    if (c == -1 && line.length() == 0) {
      throw new IOException("connection closed");
    }
    return line.toString();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
