package dev.ideogate.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.FilePart;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a buffered body into the logical field map of an endpoint (ideogram-api.md §1): JSON (with
 * {@code image_request} unwrapped on /generate), flat multipart, or multipart whose {@code image_request} part is a
 * JSON string (/remix, /upscale). Only reads: the bytes go upstream unchanged. Pure apart from Netty's decoder.
 */
public final class BodyParser {
  /** Deep JSON is an attack, not an image request. */
  public static final int MAX_JSON_DEPTH = 32;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).maxStringLength(1_000_000).build())
              .build());

  /** Any JSON value (maps, lists, scalars); built once: resolving the type per call showed in the profile. */
  private static final ObjectReader JSON_VALUE = JSON.readerFor(Object.class);

  private final int maxParts;

  public BodyParser(int maxParts) {
    this.maxParts = maxParts;
  }

  /** The request's fields and files. */
  public record Parsed(Map<String, Object> fields, List<FilePart> files) {}

  public Parsed parse(Endpoint endpoint, String contentType, byte[] body) {
    String mediaType = mediaType(contentType);
    boolean json = mediaType.equals("application/json");
    boolean multipart = mediaType.equals("multipart/form-data");
    Endpoint.Body accepts = endpoint.body();
    if (json && accepts != Endpoint.Body.MULTIPART) {
      return parseJson(endpoint, body);
    }
    if (multipart && accepts != Endpoint.Body.JSON) {
      return parseMultipart(endpoint, contentType, body);
    }
    String expected =
        switch (accepts) {
          case JSON -> "application/json";
          case MULTIPART -> "multipart/form-data";
          case JSON_OR_MULTIPART -> "application/json or multipart/form-data";
        };
    throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        endpoint.path() + " expects " + expected + ", got '" + (mediaType.isEmpty() ? "no content type" : mediaType) + "'");
  }

  /** The media type without parameters, lower case; "" when absent ("; charset=x" included). */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private Parsed parseJson(Endpoint endpoint, byte[] body) {
    Map<String, Object> root = readObject(body, "body");
    if (endpoint == Endpoint.GENERATE) {
      Object inner = root.get("image_request");
      if (!(inner instanceof Map<?, ?> map)) {
        throw invalid("image_request is required and must be a JSON object");
      }
      return new Parsed(stringKeys(map), List.of());
    }
    return new Parsed(root, List.of());
  }

  private Parsed parseMultipart(Endpoint endpoint, String contentType, byte[] body) {
    HttpPostMultipartRequestDecoder decoder = decoder(contentType, body);
    try {
      Map<String, Object> fields = new LinkedHashMap<>();
      List<FilePart> files = new ArrayList<>();
      for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
        if (data instanceof FileUpload upload) {
          byte[] bytes = upload.get();
          files.add(new FilePart(upload.getName(), upload.getFilename(), upload.getContentType(), bytes.length,
              Arrays.copyOf(bytes, Math.min(16, bytes.length))));
        } else if (data instanceof Attribute attribute) {
          addField(fields, attribute.getName(), attribute.getValue());
        }
      }
      if (endpoint == Endpoint.REMIX || endpoint == Endpoint.UPSCALE) {
        Object inner = fields.remove("image_request");
        if (!(inner instanceof String text)) {
          throw invalid("image_request is required: a form part holding a JSON object");
        }
        fields.putAll(readObject(text.getBytes(StandardCharsets.UTF_8), "image_request"));
      }
      return new Parsed(fields, files);
    } catch (HttpPostRequestDecoder.ErrorDataDecoderException | IOException e) {
      throw invalid("malformed multipart body: " + safeMessage(e));
    } catch (HttpPostRequestDecoder.TooManyFormFieldsException e) {
      throw new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "multipart body has more than " + maxParts + " parts");
    } finally {
      decoder.destroy();
    }
  }

  /** The bytes of the file part {@code name} of a multipart body (a batch's JSONL); 400 when there is none. */
  public byte[] file(String contentType, byte[] body, String name) {
    HttpPostMultipartRequestDecoder decoder = decoder(contentType, body);
    try {
      for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
        if (data instanceof FileUpload upload && upload.getName().equals(name)) {
          return upload.get();
        }
      }
      throw invalid("the multipart body has no file part named '" + name + "'");
    } catch (HttpPostRequestDecoder.ErrorDataDecoderException | IOException e) {
      throw invalid("malformed multipart body: " + safeMessage(e));
    } finally {
      decoder.destroy();
    }
  }

  private HttpPostMultipartRequestDecoder decoder(String contentType, byte[] body) {
    // Netty's decoder dereferences a missing boundary (NullPointerException): refuse it first.
    if (!contentType.toLowerCase(Locale.ROOT).matches(".*;\\s*boundary\\s*=\\s*\"?[^\\s\";]+.*")) {
      throw invalid("multipart/form-data needs a boundary parameter in Content-Type");
    }
    DefaultFullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    try {
      return new HttpPostMultipartRequestDecoder(
          new DefaultHttpDataFactory(false), request, StandardCharsets.UTF_8, maxParts, body.length + 1);
    } catch (HttpPostRequestDecoder.ErrorDataDecoderException | IllegalArgumentException e) {
      throw invalid("malformed multipart body: " + safeMessage(e));
    } catch (HttpPostRequestDecoder.TooManyFormFieldsException e) {
      throw new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "multipart body has more than " + maxParts + " parts");
    } catch (NullPointerException | IndexOutOfBoundsException e) {
      // Netty's decoder on input it does not expect: the body is malformed, not the gateway broken.
      throw invalid("malformed multipart body");
    }
  }

  @SuppressWarnings("unchecked")
  private static void addField(Map<String, Object> fields, String name, String value) {
    Object previous = fields.get(name);
    if (previous == null) {
      fields.put(name, value);
    } else if (previous instanceof List<?> list) {
      ((List<Object>) list).add(value);
    } else {
      fields.put(name, new ArrayList<>(List.of(previous, value)));
    }
  }

  private static Map<String, Object> readObject(byte[] bytes, String what) {
    try {
      Object value = JSON_VALUE.readValue(bytes);
      if (!(value instanceof Map<?, ?> map)) {
        throw invalid(what + " must be a JSON object");
      }
      return stringKeys(map);
    } catch (JsonProcessingException e) {
      throw invalid(what + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid(what + " could not be read");
    }
  }

  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }

  private static String safeMessage(Exception e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.length() > 200 ? message.substring(0, 200) : message;
  }
}
