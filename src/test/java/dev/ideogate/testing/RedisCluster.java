package dev.ideogate.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A three-master Redis Cluster of {@code redis-server} child processes on free loopback ports (cluster bus on
 * port + 10000), created with {@code redis-cli --cluster create} and ready once every node reports
 * {@code cluster_state:ok}.
 */
public final class RedisCluster implements AutoCloseable {
  private final List<RedisProcess> nodes;

  private RedisCluster(List<RedisProcess> nodes) {
    this.nodes = nodes;
  }

  public static RedisCluster start() {
    if (!RedisProcess.onPath()) {
      throw new IllegalStateException("a Redis Cluster test needs redis-server and redis-cli on PATH");
    }
    List<RedisProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RedisProcess node = new RedisProcess(RedisProcess.freePort(true),
            List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "5000"));
        node.start();
        nodes.add(node);
      }
      RedisCluster cluster = new RedisCluster(nodes);
      cluster.create();
      cluster.awaitOk();
      return cluster;
    } catch (IOException | RuntimeException e) {
      nodes.forEach(RedisProcess::kill);
      throw new IllegalStateException("cannot start a Redis Cluster: " + e.getMessage(), e);
    }
  }

  /** A seed node; the client discovers the others from it. */
  public String url() {
    return "redis://127.0.0.1:" + nodes.get(0).port();
  }

  public List<Integer> ports() {
    return nodes.stream().map(RedisProcess::port).toList();
  }

  /** Sends one command to one node (e.g. {@code CLUSTER KEYSLOT}). */
  public String command(int port, String... args) throws IOException {
    return RedisProcess.command(port, args);
  }

  private void create() throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisProcess node : nodes) {
      command.add("127.0.0.1:" + node.port());
    }
    command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!create.waitFor(30, TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void awaitOk() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      boolean allOk = true;
      for (RedisProcess node : nodes) {
        allOk &= RedisProcess.command(node.port(), "CLUSTER", "INFO").contains("cluster_state:ok");
      }
      if (allOk) {
        return;
      }
      RedisProcess.sleep(50);
    }
    throw new IllegalStateException("cluster did not reach cluster_state:ok within 20 s");
  }

  @Override
  public void close() {
    nodes.forEach(RedisProcess::kill);
  }
}
