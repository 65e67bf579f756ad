package dev.ideogate.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignedImageUrlsTest {
  private final SignedImageUrls urls = new SignedImageUrls(new byte[] {1, 2, 3}, Duration.ofSeconds(60));

  private static String param(String path, String name) {
    return path.replaceAll(".*[?&]" + name + "=([^&]*).*", "$1");
  }

  @Test
  void mintsAPathValidUntilItsExpiry() {
    String path = urls.pathFor("img1", 1_000_000L);
    assertEquals("1060", param(path, "exp"));
    String sig = param(path, "sig");
    assertEquals(SignedImageUrls.Verdict.VALID, urls.check("img1", "1060", sig, 1_059_999L));
    assertEquals(SignedImageUrls.Verdict.EXPIRED, urls.check("img1", "1060", sig, 1_060_000L));
  }

  @Test
  void roundsTheExpiryUpToAWholeSecond() {
    assertEquals("1061", param(urls.pathFor("img1", 1_000_001L), "exp"));
  }

  @Test
  void refusesAnotherIdAnExtendedExpiryOrAnotherSecret() {
    String sig = param(urls.pathFor("img1", 1_000_000L), "sig");
    assertEquals(SignedImageUrls.Verdict.BAD_SIGNATURE, urls.check("img2", "1060", sig, 0));
    assertEquals(SignedImageUrls.Verdict.BAD_SIGNATURE, urls.check("img1", "9999", sig, 0));
    assertEquals(SignedImageUrls.Verdict.BAD_SIGNATURE, urls.check("img1", "x", sig, 0));
    assertEquals(SignedImageUrls.Verdict.BAD_SIGNATURE, urls.check("img1", "1060", null, 0));
    SignedImageUrls other = new SignedImageUrls(new byte[] {9}, Duration.ofSeconds(60));
    assertEquals(SignedImageUrls.Verdict.BAD_SIGNATURE, other.check("img1", "1060", sig, 0));
  }
}
