package dev.ideogate.ingress;

import dev.ideogate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's certificate and key from PEM files, re-read when they change: every {@code checkInterval} both files
 * are read (asynchronously) and hashed; a new pair is handed to {@link HttpServer#updateSSLOptions}, which serves it
 * to new connections while open ones keep theirs. A pair that does not load (a half-written file, a key that does
 * not match) is refused by Vert.x and the old pair stays; the next check tries again. Never logs file contents.
 */
public final class TlsFiles {
  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);
  private final Vertx vertx;
  private final GatewayConfig.Tls tls;
  private byte[] loadedHash = new byte[0];

  public TlsFiles(Vertx vertx, GatewayConfig.Tls tls) {
    this.vertx = vertx;
    this.tls = tls;
  }

  /** The options to start the server with (files read now). */
  public Future<PemKeyCertOptions> load() {
    return read().map(pair -> {
      loadedHash = hash(pair[0], pair[1]);
      return options(pair[0], pair[1]);
    });
  }

  /** Checks the files periodically and swaps the server's certificate when they changed. */
  public void watch(HttpServer server) {
    vertx.setPeriodic(tls.checkInterval().toMillis(), id -> read().onSuccess(pair -> {
      byte[] hash = hash(pair[0], pair[1]);
      if (Arrays.equals(hash, loadedHash)) {
        return;
      }
      server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(options(pair[0], pair[1])), true)
          .onSuccess(updated -> {
            loadedHash = hash;
            LOG.info("TLS certificate reloaded from {}", tls.certFile());
          })
          .onFailure(e -> LOG.warn("TLS certificate files changed but do not load ({}); keeping the previous pair",
              e.getClass().getSimpleName()));
    }));
  }

  private Future<Buffer[]> read() {
    return vertx.fileSystem().readFile(tls.certFile())
        .compose(cert -> vertx.fileSystem().readFile(tls.keyFile()).map(key -> new Buffer[] {cert, key}));
  }

  private static PemKeyCertOptions options(Buffer cert, Buffer key) {
    return new PemKeyCertOptions().setCertValue(cert).setKeyValue(key);
  }

  private static byte[] hash(Buffer cert, Buffer key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(cert.getBytes());
      digest.update(key.getBytes());
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
