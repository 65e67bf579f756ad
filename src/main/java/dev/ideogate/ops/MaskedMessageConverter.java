package dev.ideogate.ops;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %maskedMsg} for plain-text patterns (tests, local runs): the message through the {@link SecretMasker}. */
public final class MaskedMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return SecretMasker.maskText(super.convert(event));
  }
}
