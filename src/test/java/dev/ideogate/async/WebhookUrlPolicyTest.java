package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookUrlPolicyTest {

  @Test
  void prodAcceptsOnlyHttpsToPublicHosts() {
    assertEquals(Optional.empty(), WebhookUrlPolicy.refusal("https://hooks.example.com/ideogate", "prod"));
    assertEquals(Optional.empty(), WebhookUrlPolicy.refusal("https://93.184.216.34/x", "prod"));
    for (String url : new String[] {"http://hooks.example.com/x", "https://127.0.0.1/x", "https://localhost/x",
        "https://10.0.0.1/x", "https://172.16.5.4/x", "https://192.168.1.1/x", "https://169.254.169.254/latest",
        "https://100.64.0.1/x", "https://0.0.0.0/x", "https://[::1]/x", "https://[fd00::1]/x", "https://[fe80::1]/x",
        "https://[::ffff:10.0.0.1]/x", "https://2130706433/x", "https://0x7f000001/x", "https://intranet/x",
        "https://svc.internal/x", "https://printer.local/x", "https://user:pw@hooks.example.com/x", "ftp://a.b/x",
        "not a url"}) {
      assertTrue(WebhookUrlPolicy.refusal(url, "prod").isPresent(), url);
    }
  }

  @Test
  void stagingIsAsStrictAsProdAndDevAllowsLoopbackHttp() {
    assertTrue(WebhookUrlPolicy.refusal("http://127.0.0.1:8080/hook", "staging").isPresent());
    assertEquals(Optional.empty(), WebhookUrlPolicy.refusal("http://127.0.0.1:8080/hook", "dev"));
    assertEquals(Optional.empty(), WebhookUrlPolicy.refusal("http://localhost:8080/hook", "demo"));
    assertTrue(WebhookUrlPolicy.refusal("file:///etc/passwd", "dev").isPresent());
  }
}
