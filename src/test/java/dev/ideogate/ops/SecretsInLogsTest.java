package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import dev.ideogate.api.SecretMasker;
import dev.ideogate.testing.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs last (junit-platform.properties orders classes by @Order) and reads every log line the suite wrote (the file of
 * logback-test.xml's SUITE appender: target/test-logs/suite.jsonl in {@code mvn verify}): no client key, no upstream
 * key a test configured, and no test e-mail address, phone or card number may appear in any of them.
 */
@Order(Integer.MAX_VALUE)
class SecretsInLogsTest {
  private static final Pattern CLIENT_KEY = Pattern.compile("igk_(?!\\*\\*\\*\\*)[A-Za-z0-9_]{4,}");
  private static final Pattern TEST_EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@example\\.(com|org|net)");
  private static final Pattern TEST_CARD = Pattern.compile("4111[ -]?1111[ -]?1111[ -]?1111|4242[ -]?4242[ -]?4242[ -]?4242");
  private static final Pattern TEST_PHONE = Pattern.compile("\\+44 ?20 ?7946 ?0\\d{3}|\\+1[ -]?202[ -]?555[ -]?01\\d\\d");

  private static boolean hasCanary(List<String> lines) {
    return lines.stream().anyMatch(l -> l.contains("canary: client key igk_**** upstream key ****"));
  }

  /** The file this JVM's suite log goes to, as logback-test.xml resolved it (the pom names it per JVM). */
  @SuppressWarnings("unchecked")
  private static Path suiteLog() {
    var root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var ring = (AppenderAttachable<ILoggingEvent>) root.getAppender("ASYNC");
    return Path.of(((FileAppender<ILoggingEvent>) ring.getAppender("SUITE")).getFile());
  }

  @Test
  void noSecretOrPersonalDataInAnyLogLineOfTheSuite() throws IOException {
    Path suiteLog = suiteLog();
    // A canary through the real pipeline: if masking were off, the scan below would catch this very line.
    String upstreamCanary = TestConfig.upstreamKey("canary");
    SecretMasker.register(upstreamCanary);
    LoggerFactory.getLogger(SecretsInLogsTest.class).warn("canary: client key {} upstream key {}",
        TestConfig.clientKey("canary"), upstreamCanary);
    assertTrue(Files.exists(suiteLog), "the suite log must exist: logback-test.xml writes " + suiteLog);
    // Lines reach the file through the ring-buffer appender's single worker, in order: once the canary is there, so is
    // every line logged before it.
    List<String> lines = Files.readAllLines(suiteLog);
    for (long deadline = System.nanoTime() + 10_000_000_000L; !hasCanary(lines) && System.nanoTime() < deadline; ) {
      Thread.onSpinWait();
      lines = Files.readAllLines(suiteLog);
    }
    assertTrue(hasCanary(lines), "the canary line was written, masked");
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      boolean leaked = CLIENT_KEY.matcher(line).find() || TEST_EMAIL.matcher(line).find()
          || TEST_CARD.matcher(line).find() || TEST_PHONE.matcher(line).find()
          || TestConfig.SECRETS.stream().anyMatch(line::contains);
      if (leaked) {
        leaks.add(line.length() > 300 ? line.substring(0, 300) : line);
      }
    }
    assertEquals(List.of(), leaks, "log lines leaking a secret or personal data (" + lines.size() + " scanned)");
  }

  @Test
  void theMaskerItselfMasksClientKeysAndRegisteredUpstreamKeys() {
    SecretMasker.register("upstream-secret-for-masker-test");
    String masked = SecretMasker.maskText("key igk_prod_AbC123xyz and upstream-secret-for-masker-test here");
    assertEquals("key igk_**** and **** here", masked);
  }
}
