package dev.ideogate.async;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a client may ask Ideogate to POST results (ARCHITECTURE.md §11): in {@code prod} and {@code staging} only
 * HTTPS to a public address; {@code dev} and {@code demo} also accept http and loopback, for a receiver on the
 * developer's machine.
 *
 * <p>Two checks, one rule ({@link #addressRefusal(byte[])}):
 * <ul>
 *   <li>{@link #refusal(String, String)}, from the URL text when the generation is accepted: the scheme, a name
 *       that only resolves inside a network ({@code localhost}, {@code *.local}, {@code *.internal}, a bare name
 *       without a dot, each with or without a trailing dot), and an IP literal in any spelling (IPv6 with embedded
 *       IPv4, IPv4-mapped and -compatible, NAT64; IPv4 as an integer, hex, octal or shortened is refused outright,
 *       since resolvers disagree on what it means).</li>
 *   <li>{@link #addressRefusal(byte[])} again on every address a name resolves to, right before the delivery
 *       worker connects ({@link WebhookSender}), which then connects to that very address: a DNS answer pointing
 *       inside, or rebinding between the two checks, cannot reach an internal service.</li>
 * </ul>
 * Refused: unspecified, loopback, private (RFC 1918), link-local, CGNAT (100.64/10), IETF (192.0.0/24), benchmark
 * (198.18/15), documentation, multicast and reserved IPv4; IPv4-compatible and -mapped IPv6 (::/96,
 * ::ffff:0:0/96), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), discard (100::/64), Teredo (2001::/32), 6to4 of a refused
 * IPv4, documentation (2001:db8::/32), unique-local (fc00::/7), link-local (fe80::/10), site-local (fec0::/10) and
 * multicast (ff00::/8).
 */
public final class WebhookUrlPolicy {
  private WebhookUrlPolicy() {}

  /** Whether {@code environment} needs https and public addresses. */
  public static boolean strict(String environment) {
    return "prod".equals(environment) || "staging".equals(environment);
  }

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
    if (!strict(environment)) {
      return Optional.empty();
    }
    if (!scheme.equals("https")) {
      return Optional.of("webhook_url must use https in " + environment);
    }
    return hostRefusal(host).map(reason -> "webhook_url must point to a public host (" + reason + "); loopback,"
        + " private, link-local and other internal addresses are refused in " + environment);
  }

  /** Why {@code host} (a URL's host: a name or an IP literal) is not public, from its text alone; empty if it may be. */
  static Optional<String> hostRefusal(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1); // "localhost." is localhost
    }
    if (h.contains("%")) {
      return Optional.of("an IPv6 zone id only means something on this machine");
    }
    if (h.contains(":")) {
      byte[] v6 = NetUtil.createByteArrayFromIpAddressString(h);
      return v6 == null ? Optional.of("not an IPv6 address") : addressRefusal(v6);
    }
    String lastLabel = h.substring(h.lastIndexOf('.') + 1);
    if (lastLabel.matches("[0-9]+|0x[0-9a-f]*")) {
      if (!h.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}")) {
        return Optional.of("an IPv4 address must be written as four decimal octets without leading zeros");
      }
      byte[] v4 = NetUtil.createByteArrayFromIpAddressString(h);
      return v4 == null ? Optional.of("not an IPv4 address") : addressRefusal(v4);
    }
    if (h.equals("localhost") || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal")
        || h.endsWith(".lan") || h.endsWith(".home.arpa") || !h.contains(".")) {
      return Optional.of("a name that resolves only inside a network");
    }
    return Optional.empty();
  }

  /** Why a resolved address is not public, or empty when a webhook may go there. */
  public static Optional<String> addressRefusal(InetAddress address) {
    return addressRefusal(address.getAddress());
  }

  /** Why the 4- or 16-byte address {@code a} is not public, or empty when a webhook may go there. */
  public static Optional<String> addressRefusal(byte[] a) {
    if (a.length == 4) {
      return v4Refusal(a[0] & 0xff, a[1] & 0xff, a[2] & 0xff);
    }
    if (a.length != 16) {
      return Optional.of("not an IP address");
    }
    int[] b = new int[16];
    for (int i = 0; i < 16; i++) {
      b[i] = a[i] & 0xff;
    }
    if (zero(b, 0, 10) && (zero(b, 10, 12) || b[10] == 0xff && b[11] == 0xff)) {
      return Optional.of("IPv4-compatible, IPv4-mapped, loopback or unspecified IPv6");
    }
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && (zero(b, 4, 12) || b[4] == 0 && b[5] == 1)) {
      return Optional.of("NAT64 (64:ff9b::/96, 64:ff9b:1::/48)");
    }
    if (b[0] == 0x01 && zero(b, 1, 8)) {
      return Optional.of("discard-only (100::/64)");
    }
    if (b[0] == 0x20 && b[1] == 0x01 && (b[2] == 0 && b[3] == 0 || b[2] == 0x0d && b[3] == 0xb8)) {
      return Optional.of("Teredo or documentation (2001::/32, 2001:db8::/32)");
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return v4Refusal(b[2], b[3], b[4]).map(reason -> "6to4 of " + reason);
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return Optional.of("unique-local (fc00::/7)");
    }
    if (b[0] == 0xfe && (b[1] & 0x80) == 0x80) {
      return Optional.of("link-local or site-local (fe80::/10, fec0::/10)");
    }
    if (b[0] == 0xff) {
      return Optional.of("multicast (ff00::/8)");
    }
    return Optional.empty();
  }

  private static Optional<String> v4Refusal(int a, int b, int c) {
    String reason = a == 0 ? "unspecified (0/8)"
        : a == 10 || a == 172 && b >= 16 && b <= 31 || a == 192 && b == 168 ? "private (RFC 1918)"
        : a == 127 ? "loopback (127/8)"
        : a == 169 && b == 254 ? "link-local (169.254/16)"
        : a == 100 && b >= 64 && b <= 127 ? "CGNAT (100.64/10)"
        : a == 192 && b == 0 && (c == 0 || c == 2) ? "IETF or documentation (192.0.0/24, 192.0.2/24)"
        : a == 198 && (b == 18 || b == 19) ? "benchmark (198.18/15)"
        : a == 198 && b == 51 && c == 100 || a == 203 && b == 0 && c == 113 ? "documentation"
        : a >= 224 ? "multicast or reserved (224/3)"
        : null;
    return Optional.ofNullable(reason);
  }

  private static boolean zero(int[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
