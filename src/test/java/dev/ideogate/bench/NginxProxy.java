package dev.ideogate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The reference proxy: an nginx child process ({@code daemon off}) with a temp prefix and a config that
 * {@code proxy_pass}es everything to one upstream with keep-alive connections, access log on (as Ideogate logs).
 */
public final class NginxProxy implements AutoCloseable {
  private final Process process;
  private final int port;

  private NginxProxy(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Whether an nginx binary is on PATH. */
  public static boolean installed() {
    try {
      Process p = new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public static NginxProxy start(int listenPort, int upstreamPort) throws IOException {
    Path dir = Files.createTempDirectory("ideogate-bench-nginx-");
    Files.createDirectories(dir.resolve("logs"));
    String conf = """
        worker_processes auto;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log warn;
        events { worker_connections 8192; }
        http {
          access_log %1$s/logs/access.log;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          keepalive_requests 1000000;
          upstream simulator { server 127.0.0.1:%3$d; keepalive 256; }
          server {
            listen 127.0.0.1:%2$d;
            location / {
              proxy_pass http://simulator;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
            }
          }
        }
        """.formatted(dir, listenPort, upstreamPort);
    Path confFile = dir.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    Process process = new ProcessBuilder("nginx", "-p", dir.toString(), "-e", dir.resolve("logs/error.log").toString(),
        "-c", confFile.toString(), "-g", "root".equals(System.getProperty("user.name")) ? "daemon off; user root;" : "daemon off;")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("logs/stdout.log").toFile())
        .start();
    NginxProxy proxy = new NginxProxy(process, listenPort);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("nginx exited: " + Files.readString(dir.resolve("logs/stdout.log"))
            + Files.readString(dir.resolve("logs/error.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", listenPort), 200);
        return proxy;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    proxy.close();
    throw new IOException("nginx did not listen on " + listenPort + " within 10 s");
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: nginx's master stops its workers
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
