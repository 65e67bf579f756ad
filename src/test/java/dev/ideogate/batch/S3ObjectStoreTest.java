package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;

import dev.ideogate.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** The object store contract against a real S3 API server on loopback: S3Proxy over its filesystem backend. */
class S3ObjectStoreTest extends ObjectStoreContract {
  private static final String BUCKET = "ideogate-images";
  private static Vertx vertx;
  private static S3Proxy proxy;
  private static S3ObjectStore store;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(properties)
        .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, BUCKET);
    proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret-key")
        .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10); // S3Proxy starts Jetty in the background and reports its state
    }
    S3Client client = S3ObjectStore.clientBuilder(
            new GatewayConfig.S3(BUCKET, "http://127.0.0.1:" + proxy.getPort(), "us-east-1", true))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-access",
            "test-secret-key")))
        .build();
    store = new S3ObjectStore(vertx, client, BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    await(store.close());
    proxy.stop();
    await(vertx.close());
  }

  @Override
  Vertx vertx() {
    return vertx;
  }

  @Override
  ObjectStore store() {
    return store;
  }
}
