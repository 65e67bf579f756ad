package dev.ideogate.ingress;

import dev.ideogate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Collections;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's certificate and key from PEM files, re-read when they change: every {@code checkInterval} both files
 * are read (asynchronously) and hashed; a new pair is handed to {@link HttpServer#updateSSLOptions}, which serves it
 * to new connections while open ones keep theirs. A pair that does not load (a half-written file) or whose key does
 * not sign for its certificate (one file replaced, the other not yet) is not served: the old pair stays and the next
 * check tries again. Vert.x would accept a mismatched pair and fail every handshake with it. Never logs file
 * contents.
 */
public final class TlsFiles {
  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);
  private final Vertx vertx;
  private final GatewayConfig.Tls tls;
  private byte[] loadedHash = new byte[0];
  /** The last pair refused, so a pair left broken is refused (and logged) once, not at every check. */
  private byte[] refusedHash = new byte[0];

  public TlsFiles(Vertx vertx, GatewayConfig.Tls tls) {
    this.vertx = vertx;
    this.tls = tls;
  }

  /** The options to start the server with (files read now); fails when the key does not match the certificate. */
  public Future<PemKeyCertOptions> load() {
    return read().compose(pair -> matching(pair).compose(matches -> {
      if (!matches) {
        return Future.failedFuture(new IllegalStateException("server.tls: the key in " + tls.keyFile()
            + " is not the key of the certificate in " + tls.certFile()));
      }
      loadedHash = hash(pair[0], pair[1]);
      return Future.succeededFuture(options(pair[0], pair[1]));
    }));
  }

  /** Checks the files periodically and swaps the server's certificate when they changed. */
  public void watch(HttpServer server) {
    vertx.setPeriodic(tls.checkInterval().toMillis(), id -> read().onSuccess(pair -> {
      byte[] hash = hash(pair[0], pair[1]);
      if (Arrays.equals(hash, loadedHash) || Arrays.equals(hash, refusedHash)) {
        return;
      }
      matching(pair).compose(matches -> {
        if (!matches) {
          refusedHash = hash;
          LOG.warn("TLS certificate files changed but the key is not the certificate's (one replaced, the other not"
              + " yet?); keeping the previous pair");
          return Future.succeededFuture();
        }
        return server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(options(pair[0], pair[1])), true)
          .onSuccess(updated -> {
            loadedHash = hash;
            LOG.info("TLS certificate reloaded from {}", tls.certFile());
          })
          .onFailure(e -> {
            refusedHash = hash;
            LOG.warn("TLS certificate files changed but do not load ({}); keeping the previous pair",
                e.getClass().getSimpleName());
          });
      });
    }));
  }

  /**
   * Whether each key of the pair signs for its certificate, checked on a worker (parsing and an RSA signature take
   * about a millisecond). An unreadable pair answers true: Vert.x refuses it with its own error.
   */
  private Future<Boolean> matching(Buffer[] pair) {
    return vertx.executeBlocking(() -> {
      try {
        PemKeyCertOptions options = options(pair[0], pair[1]);
        KeyStore store = options.loadKeyStore(vertx);
        X509KeyManager keys = (X509KeyManager) options.getKeyManagerFactory(vertx).getKeyManagers()[0];
        for (String alias : Collections.list(store.aliases())) {
          PrivateKey key = keys.getPrivateKey(alias);
          Certificate certificate = store.getCertificate(alias);
          if (key != null && certificate != null && !signsFor(key, certificate.getPublicKey())) {
            return false;
          }
        }
        return true;
      } catch (Exception e) {
        return true;
      }
    });
  }

  private static boolean signsFor(PrivateKey key, PublicKey certified) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null || !key.getAlgorithm().equals(certified.getAlgorithm())) {
      return algorithm == null; // a key type this check does not know is left to the handshake
    }
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(challenge);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certified);
    verifier.update(challenge);
    return verifier.verify(signature);
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
