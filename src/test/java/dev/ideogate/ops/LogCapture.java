package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import dev.ideogate.api.SecretMasker;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log and audit line of the JVM while open, encoded exactly as production does: the encoder is
 * taken from {@code src/main/resources/logback.xml} (LogstashEncoder with the {@link SecretMasker}), so what a
 * test reads here is what stdout would carry in a pod. It appends synchronously on the logging thread (a test reads
 * lines as soon as they are logged); trace ids come from the event's MDC, as on the production async path.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Encoder<ILoggingEvent> encoder = productionEncoder();
  private final List<String> lines = new ArrayList<>();

  public static LogCapture attach() {
    LogCapture capture = new LogCapture();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    capture.setContext(context);
    capture.setName("capture");
    capture.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    return capture;
  }

  @SuppressWarnings("unchecked")
  static Encoder<ILoggingEvent> productionEncoder() {
    URL config = LogCapture.class.getResource("/logback.xml");
    if (config == null) {
      throw new AssertionError("logback.xml not on the classpath");
    }
    LoggerContext production = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(production);
    try {
      configurator.doConfigure(config);
    } catch (Exception e) {
      throw new AssertionError("logback.xml does not load: " + e, e);
    }
    var async = (AppenderAttachable<ILoggingEvent>) production.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
    var appender = (OutputStreamAppender<ILoggingEvent>) async.getAppender("JSON");
    return appender.getEncoder();
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8).strip());
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  public List<JsonObject> json() {
    return lines().stream().map(JsonObject::new).toList();
  }

  public List<JsonObject> audit() {
    return json().stream().filter(line -> AuditLog.LOGGER.equals(line.getString("logger"))).toList();
  }

  /** Fails naming the line, never the secret, when any captured line contains one of {@code secrets}. */
  void assertNoSecrets(Collection<String> secrets) {
    List<String> all = lines();
    assertTrue(all.size() > 0, "nothing was captured");
    for (String line : all) {
      for (String secret : secrets) {
        assertTrue(!line.contains(secret), "a secret leaked into a log line: " + line.replace(secret, "<SECRET>"));
      }
      assertTrue(!line.matches(".*igk_[a-z]+_[A-Za-z0-9]{20,}.*"), "a client key leaked: " + SecretMasker.maskText(line));
    }
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }
}
