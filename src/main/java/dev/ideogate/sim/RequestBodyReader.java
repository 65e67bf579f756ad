package dev.ideogate.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a request body into the logical fields and files {@link IdeogramContract} checks: JSON or multipart as
 * the endpoint allows, {@code image_request} unwrapped for /generate, /remix and /upscale. Uploads are streamed:
 * only their size and first bytes are kept. Text parts are held whole up to {@link #MAX_TEXT_PART_BYTES}; a
 * body beyond the reader's limits is a 400 that says so, never a 500.
 */
final class RequestBodyReader {
  /** File fields of Ideogram's v1 endpoints; any other part is text, even when sent with a file name. */
  private static final Set<String> FILE_FIELDS = Set.of("image_file", "mask", "image", "images",
      "style_reference_images", "character_reference_images", "character_reference_images_mask");
  private static final Set<Endpoint> WRAPPED = Set.of(Endpoint.GENERATE, Endpoint.REMIX, Endpoint.UPSCALE);
  /** Far above a 10,000-character prompt, even JSON-escaped (12 bytes per character) with every other field. */
  static final int MAX_TEXT_PART_BYTES = 1024 * 1024;
  static final int MAX_PARTS = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  record Body(Map<String, Object> fields, List<SimFile> files) {}

  private RequestBodyReader() {}

  /** Must be called before the handler returns, so no byte of the body is missed. */
  static Future<Body> read(HttpServerRequest request, Endpoint endpoint) {
    String contentType = String.valueOf(request.getHeader(HttpHeaders.CONTENT_TYPE)).toLowerCase();
    boolean json = contentType.startsWith("application/json");
    boolean multipart = contentType.startsWith("multipart/form-data");
    boolean allowsJson = endpoint.body() != Endpoint.Body.MULTIPART;
    boolean allowsMultipart = endpoint.body() != Endpoint.Body.JSON;
    if (json && allowsJson) {
      return request.body().map(buffer -> unwrap(endpoint, parseObject(buffer.toString(), "the JSON body")))
          .map(fields -> new Body(fields, List.of()));
    }
    if (multipart && allowsMultipart) {
      return readMultipart(request, endpoint);
    }
    String expected = allowsJson && allowsMultipart ? "application/json or multipart/form-data"
        : allowsJson ? "application/json" : "multipart/form-data";
    return Future.failedFuture(SimRejection.of(400, "Content-Type must be " + expected + " for " + endpoint.path()));
  }

  private static Future<Body> readMultipart(HttpServerRequest request, Endpoint endpoint) {
    request.setExpectMultipart(true);
    List<SimFile> files = new ArrayList<>();
    Map<String, Object> fields = new LinkedHashMap<>();
    List<String> oversized = new ArrayList<>();
    request.uploadHandler(upload -> {
      if (FILE_FIELDS.contains(upload.name())) {
        streamFile(upload, files);
      } else {
        bufferText(upload, fields, oversized);
      }
    });
    return request.end().recover(RequestBodyReader::unreadable).map(done -> {
      if (!oversized.isEmpty()) {
        throw tooLarge(oversized.get(0));
      }
      request.formAttributes().forEach(entry -> addValue(fields, entry.getKey(), entry.getValue()));
      Map<String, Object> logical = WRAPPED.contains(endpoint) ? unwrapTextPart(fields) : fields;
      return new Body(logical, files);
    });
  }

  /**
   * The multipart decoder refused the body (a text part over {@link #MAX_TEXT_PART_BYTES}, more than
   * {@link #MAX_PARTS} parts, a malformed part): Ideogram's answer to invalid input is 400 (ideogram-api.md §5).
   */
  private static Future<Void> unreadable(Throwable cause) {
    return Future.failedFuture(SimRejection.of(400, "the multipart body could not be read (each text part at most "
        + MAX_TEXT_PART_BYTES + " bytes, at most " + MAX_PARTS + " parts): " + cause.getMessage()));
  }

  private static SimRejection tooLarge(String field) {
    return SimRejection.of(400, field + " is longer than " + MAX_TEXT_PART_BYTES + " bytes");
  }

  private static void streamFile(HttpServerFileUpload upload, List<SimFile> files) {
    Buffer head = Buffer.buffer(SimFile.HEAD_BYTES);
    long[] size = {0};
    upload.handler(chunk -> {
      size[0] += chunk.length();
      int missing = SimFile.HEAD_BYTES - head.length();
      if (missing > 0) {
        head.appendBuffer(chunk, 0, Math.min(missing, chunk.length()));
      }
    });
    upload.endHandler(v -> files.add(
        new SimFile(upload.name(), upload.filename(), upload.contentType(), size[0], head.getBytes())));
  }

  /** A text part sent with a file name; one over the limit is refused after the body, never cut short. */
  private static void bufferText(HttpServerFileUpload upload, Map<String, Object> fields, List<String> oversized) {
    Buffer text = Buffer.buffer();
    upload.handler(chunk -> {
      if (text.length() + chunk.length() <= MAX_TEXT_PART_BYTES) {
        text.appendBuffer(chunk);
      } else if (!oversized.contains(upload.name())) {
        oversized.add(upload.name());
      }
    });
    upload.endHandler(v -> addValue(fields, upload.name(), text.toString()));
  }

  /** A repeated part becomes a list, as IdeogramContract reads it. */
  @SuppressWarnings("unchecked")
  private static void addValue(Map<String, Object> fields, String name, String value) {
    Object previous = fields.get(name);
    if (previous == null) {
      fields.put(name, value);
    } else if (previous instanceof List<?> list) {
      ((List<Object>) list).add(value);
    } else {
      fields.put(name, new ArrayList<>(List.of(previous, value)));
    }
  }

  private static Map<String, Object> unwrap(Endpoint endpoint, Map<String, Object> body) {
    if (!WRAPPED.contains(endpoint)) {
      return body;
    }
    if (!(body.get("image_request") instanceof Map<?, ?> inner)) {
      throw SimRejection.of(400, "image_request is required: the body must be {\"image_request\": {...}}");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) inner;
    return fields;
  }

  private static Map<String, Object> unwrapTextPart(Map<String, Object> fields) {
    if (!(fields.get("image_request") instanceof String text)) {
      throw SimRejection.of(400, "image_request is required: send it as one multipart part holding a JSON object");
    }
    return parseObject(text, "image_request");
  }

  private static Map<String, Object> parseObject(String text, String what) {
    try {
      Map<String, Object> map = JSON.readValue(text, new TypeReference<Map<String, Object>>() {});
      if (map == null) {
        throw SimRejection.of(400, what + " must be a JSON object");
      }
      return map;
    } catch (JsonProcessingException e) {
      throw SimRejection.of(400, what + " must be a JSON object: " + e.getOriginalMessage());
    }
  }
}
