package dev.ideogate.ops;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %maskedEx} for plain-text patterns: stack traces through the {@link SecretMasker}. */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return SecretMasker.maskText(super.convert(event));
  }
}
