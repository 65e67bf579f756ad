package dev.ideogate.api;

import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;
import net.logstash.logback.mask.ValueMasker;

/**
 * The redaction layer every JSON log and audit line goes through (logback.xml): masks anything shaped like an
 * Ideogate client key ({@code igk_…}) and every upstream key the gateway has loaded, wherever it appears in a
 * string value. Upstream keys have no recognisable shape, so the gateway registers them at start and on reload.
 */
public final class SecretMasker implements ValueMasker {
  private static final Pattern CLIENT_KEY = Pattern.compile("igk_[A-Za-z0-9_]{4,}");
  private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

  /** Makes {@code secret} unloggable from now on. Short strings are ignored (they would mask ordinary words). */
  public static void register(String secret) {
    if (secret != null && secret.length() >= 8) {
      SECRETS.add(secret);
    }
  }

  public static String maskText(String text) {
    // Every string of every log line comes here: the regex runs only where a client key could start.
    String out = text.contains("igk_") ? CLIENT_KEY.matcher(text).replaceAll("igk_****") : text;
    for (String secret : SECRETS) {
      if (out.contains(secret)) {
        out = out.replace(secret, "****");
      }
    }
    return out;
  }

  @Override
  public Object mask(JsonStreamContext context, Object value) {
    if (value instanceof CharSequence text) {
      String masked = maskText(text.toString());
      return masked.contentEquals(text) ? null : masked;
    }
    return null;
  }
}
