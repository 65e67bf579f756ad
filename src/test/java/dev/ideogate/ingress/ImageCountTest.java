package dev.ideogate.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The images an upstream answer is settled for: counted from the body's tokens, always the count the whole decoded
 * body gives (what Accounting settled on before), for well-formed, odd and broken bodies alike.
 */
class ImageCountTest {
  private static final List<String> BODIES = List.of(
      "{\"created\":\"2026-12-03\",\"data\":[{\"url\":\"http://x/1.png\",\"seed\":1,\"is_image_safe\":true}]}",
      "{\"data\":[{\"url\":\"a\"},{\"url\":\"b\",\"nested\":{\"data\":[1,2,3]}},{\"url\":\"c\"}]}",
      "{\"data\":[]}", "{\"data\":[1,\"two\",null,[3],{\"4\":4},false]}", "{\"data\":null}", "{\"data\":\"x\"}",
      "{\"data\":{\"url\":\"a\"}}", "{\"data\":7}", "{\"other\":[1,2]}", "{}", "{\"data\":[1,2],\"data\":[1]}",
      "{\"data\":[1],\"data\":null}", "{\"meta\":{\"data\":[1,2,3]},\"data\":[{}]}", "[{\"data\":[1]}]", "",
      "   ", "null", "42", "\"text\"", "{\"data\":[1,2]", "{\"data\":[1,2]} trailing", "{\"data\":[1,2]} {}",
      "{\"data\":[1.5e3, -0, 12345678901234567890123]}", "{\"data\":[\"\\u00e9\\n\"]}", "{data:[1]}",
      "{\"data\":[1,]}", "<html>502 Bad Gateway</html>", "{\"data\":[{\"x\":\"" + "y".repeat(10_000) + "\"}]}");

  @Test
  void countsWhatTheDecodedBodyCounts() {
    for (String text : BODIES) {
      for (boolean perInput : new boolean[] {false, true}) {
        Buffer body = Buffer.buffer(text);
        assertEquals(decoded(body, perInput), Accounting.countImages(body, perInput), perInput + ": " + text);
      }
    }
  }

  @Test
  void aBodyThatIsNotUtf8IsUnreadableAsBefore() {
    byte[] bytes = "{\"data\":[\"xx\"]}".getBytes(StandardCharsets.UTF_8);
    bytes[10] = (byte) 0xC3; // a lead byte followed by an ASCII byte: invalid UTF-8 inside the string
    Buffer body = Buffer.buffer(bytes);
    assertEquals(decoded(body, false), Accounting.countImages(body, false));
  }

  @Test
  void oneImagePerDataItem() {
    assertEquals(3, Accounting.countImages(Buffer.buffer("{\"data\":[{},{},{}]}"), false));
    assertEquals(-1, Accounting.countImages(Buffer.buffer("{\"data\":null}"), false));
    assertEquals(1, Accounting.countImages(Buffer.buffer("{\"descriptions\":[]}"), true));
  }

  private static int decoded(Buffer body, boolean perInput) {
    return Accounting.treeCount(body, perInput);
  }
}
