package dev.ideogate.ingress;

import static dev.ideogate.testing.SecurityFixture.ALPHA_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.testing.SecurityFixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS on both ports from PEM files the test generates; replacing the files changes the certificate served. */
class TlsReloadTest {
  /** A request any port answers (404 on the client port): only the handshake and its certificate matter. */
  private static final String ANY_PATH = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  @Test
  void servesHttpsOnBothPortsAndPicksUpAReplacedCertificate(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    writePem(cert, key, "CN=ideogate-one", BigInteger.ONE);
    try (SecurityFixture fixture = new SecurityFixture()) {
      String tls = "tls: { certFile: \"" + cert + "\", keyFile: \"" + key + "\", checkInterval: 200ms }";
      Gateway gateway = fixture.start(SecurityFixture.parse(fixture.yaml("", tls, "")));

      Exchange first = exchange(gateway.port(), "GET /v1/usage HTTP/1.1\r\nHost: x\r\nApi-Key: " + ALPHA_KEY
          + "\r\nConnection: close\r\n\r\n");
      assertTrue(first.response().startsWith("HTTP/1.1 200"), first.response());
      assertEquals("CN=ideogate-one", first.certificate().getSubjectX500Principal().getName());
      Exchange management = exchange(gateway.managementPort(), "GET /health/live HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n");
      assertTrue(management.response().startsWith("HTTP/1.1 200"), management.response());

      // cert-manager replaces both files; the next connections get the new certificate
      Path newCert = dir.resolve("new.crt");
      Path newKey = dir.resolve("new.key");
      writePem(newCert, newKey, "CN=ideogate-two", BigInteger.TWO);
      Files.move(newKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.move(newCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

      // each port's server watches the files on its own: both swap, each in its own time (the management port was
      // once read right after the client port had swapped, and had not yet)
      assertEquals("CN=ideogate-two", awaitSubject(gateway.port(), "CN=ideogate-two"));
      assertEquals("CN=ideogate-two", awaitSubject(gateway.managementPort(), "CN=ideogate-two"));
    }
  }

  /**
   * Files replaced one at a time: the new key beside the old certificate is never served (Vert.x would take the
   * pair and every handshake would fail); the pair is swapped once the certificate follows.
   */
  @Test
  void aKeyReplacedBeforeItsCertificateIsNotServedUntilTheCertificateFollows(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    writePem(cert, key, "CN=ideogate-one", BigInteger.ONE);
    try (SecurityFixture fixture = new SecurityFixture()) {
      String tls = "tls: { certFile: \"" + cert + "\", keyFile: \"" + key + "\", checkInterval: 100ms }";
      Gateway gateway = fixture.start(SecurityFixture.parse(fixture.yaml("", tls, "")));
      Path newCert = dir.resolve("new.crt");
      Path newKey = dir.resolve("new.key");
      writePem(newCert, newKey, "CN=ideogate-two", BigInteger.TWO);

      Files.move(newKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      for (int i = 0; i < 10; i++) { // about ten checks see the mismatched pair
        Thread.sleep(100);
        Exchange during = exchange(gateway.port(), ANY_PATH);
        assertTrue(during.response().startsWith("HTTP/1.1 "), during.response()); // a handshake that worked
        assertEquals("CN=ideogate-one", during.certificate().getSubjectX500Principal().getName());
      }

      Files.move(newCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertEquals("CN=ideogate-two", awaitSubject(gateway.port(), "CN=ideogate-two"));
    }
  }

  @Test
  void aPlainHttpClientGetsNoAnswerFromAnHttpsPort(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    writePem(cert, key, "CN=ideogate", BigInteger.TEN);
    try (SecurityFixture fixture = new SecurityFixture()) {
      Gateway gateway = fixture.start(SecurityFixture.parse(fixture.yaml("",
          "tls: { certFile: \"" + cert + "\", keyFile: \"" + key + "\" }", "")));
      var reply = fixture.send(io.vertx.core.http.HttpMethod.GET, gateway.port(), "/v1/usage",
          java.util.Map.of("Api-Key", ALPHA_KEY), null);
      assertTrue(reply.toCompletionStage().toCompletableFuture().handle((r, e) -> e != null).get(),
          "plain HTTP must not be answered");
    }
  }

  /**
   * The subject new connections to {@code port} are served, once it is {@code expected} or after 15 s: the files are
   * checked every 100–200 ms, and the deadline is for a loaded CI machine, whose worker pool reads them.
   */
  private static String awaitSubject(int port, String expected) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    String subject;
    do {
      Thread.sleep(100);
      subject = exchange(port, ANY_PATH).certificate().getSubjectX500Principal().getName();
    } while (!subject.equals(expected) && System.nanoTime() < deadline);
    return subject;
  }

  private record Exchange(String response, X509Certificate certificate) {}

  /** One HTTPS exchange with a client that records the server's certificate instead of trusting a CA. */
  private static Exchange exchange(int port, String request) throws Exception {
    X509Certificate[] seen = new X509Certificate[1];
    TrustManager recorder = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen[0] = chain[0];
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {recorder}, new SecureRandom());
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Exchange(response, seen[0]);
    }
  }

  private static void writePem(Path cert, Path key, String subject, BigInteger serial) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name(subject);
    var builder = new JcaX509v3CertificateBuilder(name, serial, Date.from(now.minus(1, ChronoUnit.DAYS)),
        Date.from(now.plus(30, ChronoUnit.DAYS)), name, pair.getPublic());
    X509Certificate certificate = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    Files.writeString(cert, pem(certificate));
    Files.writeString(key, pem(pair.getPrivate()));
  }

  private static String pem(Object object) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }
}
