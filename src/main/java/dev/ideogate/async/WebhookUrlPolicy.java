package dev.ideogate.async;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a client may ask Ideogate to POST results (issue 10): in {@code prod} and {@code staging} only HTTPS to a
 * public host: no loopback, private (RFC 1918, RFC 4193), link-local, CGNAT, unspecified or multicast address,
 * and no name that only resolves inside a network ({@code localhost}, {@code *.local}, {@code *.internal},
 * {@code *.localhost}, a bare name without a dot); {@code dev} and {@code demo} also accept http and loopback, for
 * a receiver on the developer's machine. Checked before anything is sent, from the URL text alone: the gateway
 * resolves no name here (a hostile DNS answer must be stopped by the egress network policy).
 */
public final class WebhookUrlPolicy {
  private WebhookUrlPolicy() {}

  /** The reason {@code url} is refused in {@code environment}, or empty when it is acceptable. */
  public static Optional<String> refusal(String url, String environment) {
    if (url == null || url.isBlank()) {
      return Optional.of("webhook_url is empty");
    }
    if (url.length() > 2048) {
      return Optional.of("webhook_url is longer than 2048 characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("webhook_url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (!scheme.equals("https") && !scheme.equals("http") || host == null || uri.getUserInfo() != null) {
      return Optional.of("webhook_url must be an absolute http(s) URL without credentials");
    }
    boolean strict = "prod".equals(environment) || "staging".equals(environment);
    if (!strict) {
      return Optional.empty();
    }
    if (!scheme.equals("https")) {
      return Optional.of("webhook_url must use https in " + environment);
    }
    if (internal(host.toLowerCase(Locale.ROOT))) {
      return Optional.of("webhook_url must point to a public host; loopback, private and link-local addresses are"
          + " refused in " + environment);
    }
    return Optional.empty();
  }

  static boolean internal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equals("localhost") || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal")
        || h.endsWith(".lan") || h.endsWith(".home.arpa")) {
      return true;
    }
    int[] v4 = ipv4(h);
    if (v4 != null) {
      return internalV4(v4);
    }
    if (h.contains(":")) {
      return internalV6(h);
    }
    return !h.contains("."); // a bare name resolves only inside some network
  }

  private static boolean internalV4(int[] a) {
    return a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224
        || a[0] == 169 && a[1] == 254
        || a[0] == 172 && a[1] >= 16 && a[1] <= 31
        || a[0] == 192 && a[1] == 168
        || a[0] == 100 && a[1] >= 64 && a[1] <= 127 // CGNAT
        || a[0] == 192 && a[1] == 0 && a[2] == 0;
  }

  private static boolean internalV6(String h) {
    String v6 = h.toLowerCase(Locale.ROOT);
    int zone = v6.indexOf('%');
    if (zone >= 0) {
      return true; // a zone id only means something on this machine
    }
    if (v6.equals("::1") || v6.equals("::") || v6.startsWith("fe8") || v6.startsWith("fe9") || v6.startsWith("fea")
        || v6.startsWith("feb") || v6.startsWith("fc") || v6.startsWith("fd") || v6.startsWith("ff")) {
      return true;
    }
    int lastColon = v6.lastIndexOf(':');
    int[] mapped = ipv4(v6.substring(lastColon + 1));
    return mapped != null && (v6.startsWith("::ffff:") || v6.startsWith("::")) && internalV4(mapped);
  }

  /** Dotted-quad IPv4 octets, or null. Only the canonical form: other spellings are refused as not public. */
  private static int[] ipv4(String h) {
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4) {
      return h.matches("[0-9]+") || h.matches("0x[0-9a-f]+") ? new int[] {0, 0, 0, 0} : null;
    }
    int[] octets = new int[4];
    for (int i = 0; i < 4; i++) {
      if (!parts[i].matches("[0-9]{1,3}")) {
        return parts[i].matches("0x[0-9a-f]+|[0-9]+") ? new int[] {0, 0, 0, 0} : null;
      }
      octets[i] = Integer.parseInt(parts[i]);
      if (octets[i] > 255) {
        return new int[] {0, 0, 0, 0};
      }
    }
    return octets;
  }
}
