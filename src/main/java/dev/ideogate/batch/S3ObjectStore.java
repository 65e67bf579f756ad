package dev.ideogate.batch;

import dev.ideogate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Batch images in an S3-compatible bucket (AWS S3, MinIO, R2, GCS interoperability; ARCHITECTURE.md §13), through
 * the AWS SDK v2's blocking client on Vert.x worker threads, never on an event loop.
 */
public final class S3ObjectStore implements ObjectStore {
  private final Vertx vertx;
  private final S3Client s3;
  private final String bucket;

  public S3ObjectStore(Vertx vertx, S3Client s3, String bucket) {
    this.vertx = vertx;
    this.s3 = s3;
    this.bucket = bucket;
  }

  /** The bucket of {@code config}, credentials from the SDK's default chain. */
  public static S3ObjectStore of(Vertx vertx, GatewayConfig.S3 config) {
    return new S3ObjectStore(vertx, clientBuilder(config).build(), config.bucket());
  }

  /**
   * A client for {@code config}. Checksums only where the API requires them: the SDK's default (a trailing CRC on
   * every upload) is refused by many S3-compatible services, and the object's integrity is TLS's and the service's.
   */
  public static S3ClientBuilder clientBuilder(GatewayConfig.S3 config) {
    S3ClientBuilder builder = S3Client.builder()
        .region(Region.of(config.region()))
        .forcePathStyle(config.pathStyle())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create());
    if (!config.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    return builder;
  }

  @Override
  public Future<Void> put(String key, Buffer bytes, String contentType) {
    return vertx.executeBlocking(() -> {
      s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes.getBytes()));
      return null;
    }, false);
  }

  @Override
  public Future<Optional<Buffer>> get(String key) {
    return vertx.executeBlocking(() -> {
      try {
        return Optional.of(Buffer.buffer(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray()));
      } catch (NoSuchKeyException e) {
        return Optional.<Buffer>empty();
      }
    }, false);
  }

  @Override
  public Future<Void> deletePrefix(String prefix) {
    return vertx.executeBlocking(() -> {
      // one DeleteObject per key: the batch DeleteObjects demands a checksum header some services do not implement
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
        for (S3Object object : page.contents()) {
          s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
        }
      }
      return null;
    }, false);
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      s3.close();
      return null;
    }, false);
  }
}
