package dev.ideogate.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, coercing reads of one request's logical fields. Values arrive as JSON values (String, Number, Boolean,
 * List, Map) or, from multipart, as text (a List when a part repeats); a JSON null counts as absent. Every failure
 * is an {@link InvalidRequestException} whose message names the field, what is allowed and what was sent.
 */
final class RequestFields {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_SHOWN_VALUE_CHARS = 60;

  private final Map<String, Object> fields;

  RequestFields(Map<String, Object> fields) {
    this.fields = fields == null ? Map.of() : fields;
  }

  boolean has(String name) {
    return fields.get(name) != null;
  }

  Object raw(String name) {
    return fields.get(name);
  }

  String requiredText(String name) throws InvalidRequestException {
    String text = optionalText(name);
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException(name + " is required and must be a non-empty string");
    }
    return text;
  }

  String optionalText(String name) throws InvalidRequestException {
    Object value = single(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new InvalidRequestException(name + " must be a string, got " + shown(value));
    }
    return text;
  }

  String optionalEnum(String name, Set<String> allowed) throws InvalidRequestException {
    return optionalEnum(name, allowed, null);
  }

  String optionalEnum(String name, Set<String> allowed, String defaultValue) throws InvalidRequestException {
    Object value = single(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof String text) || !allowed.contains(text)) {
      throw new InvalidRequestException(
          name + " must be one of " + String.join(", ", allowed) + ", got " + shown(value));
    }
    return text;
  }

  String requiredEnum(String name, Set<String> allowed) throws InvalidRequestException {
    if (!has(name)) {
      throw new InvalidRequestException(name + " is required: one of " + String.join(", ", allowed));
    }
    return optionalEnum(name, allowed);
  }

  int optionalInt(String name, long min, long max, int defaultValue) throws InvalidRequestException {
    Long value = optionalLong(name, min, max);
    return value == null ? defaultValue : value.intValue();
  }

  Long optionalLong(String name, long min, long max) throws InvalidRequestException {
    Object value = single(name);
    if (value == null) {
      return null;
    }
    Long number = integerValue(value);
    if (number == null || number < min || number > max) {
      throw new InvalidRequestException(
          name + " must be an integer between " + min + " and " + max + ", got " + shown(value));
    }
    return number;
  }

  /** A decimal in [min, max], e.g. a palette member's color_weight. */
  static BigDecimal decimalIn(String name, Object value, BigDecimal min, BigDecimal max)
      throws InvalidRequestException {
    BigDecimal number = decimalValue(value);
    if (number == null || number.compareTo(min) < 0 || number.compareTo(max) > 0) {
      throw new InvalidRequestException(name + " must be a number between " + min.toPlainString() + " and "
          + max.toPlainString() + ", got " + shown(value));
    }
    return number;
  }

  Boolean optionalBoolean(String name) throws InvalidRequestException {
    Object value = single(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(text);
    }
    throw new InvalidRequestException(name + " must be true or false, got " + shown(value));
  }

  String optionalMatching(String name, Pattern pattern, String expected) throws InvalidRequestException {
    String text = optionalText(name);
    if (text != null && !pattern.matcher(text).matches()) {
      throw new InvalidRequestException(name + " must be " + expected + ", got " + shown(text));
    }
    return text;
  }

  /** A JSON object, sent as an object (JSON body) or as a JSON-encoded text part (multipart). */
  Map<?, ?> optionalObject(String name) throws InvalidRequestException {
    Object value = decodedJson(name, single(name));
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> object)) {
      throw new InvalidRequestException(name + " must be a JSON object, got " + shown(value));
    }
    return object;
  }

  /** A list, from a JSON array, a JSON-encoded text part, repeated parts, or a single text part. */
  List<?> optionalList(String name) throws InvalidRequestException {
    Object value = fields.get(name);
    if (value instanceof String text && text.trim().startsWith("[")) {
      value = decodedJson(name, text);
    }
    if (value == null) {
      return null;
    }
    return value instanceof List<?> list ? list : List.of(value);
  }

  /** Names the field with a value that is present, at most one of them allowed. */
  void atMostOneOf(String first, String second) throws InvalidRequestException {
    if (has(first) && has(second)) {
      throw new InvalidRequestException(first + " and " + second + " cannot be sent together; send one of them");
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  static String shown(Object value) {
    // multipart sends numbers as text: show them as numbers, other text quoted
    String text = value instanceof String s && decimalValue(s) == null ? "'" + s + "'" : String.valueOf(value);
    return text.length() > MAX_SHOWN_VALUE_CHARS ? text.substring(0, MAX_SHOWN_VALUE_CHARS) + "…" : text;
  }

  private Object single(String name) throws InvalidRequestException {
    Object value = fields.get(name);
    if (value instanceof List<?> list && !isListField(name)) {
      if (list.size() != 1) {
        throw new InvalidRequestException(name + " must be given once, got " + list.size() + " values");
      }
      // a multipart part sent once in a list; a JSON array stays an array and fails its type check
      return list.get(0) instanceof String ? list.get(0) : value;
    }
    return value;
  }

  private static boolean isListField(String name) {
    return name.equals("style_codes");
  }

  private static Object decodedJson(String name, Object value) throws InvalidRequestException {
    if (!(value instanceof String text)) {
      return value;
    }
    try {
      return JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(name + " must be valid JSON, got " + shown(text));
    }
  }

  private static Long integerValue(Object value) {
    if (value instanceof Boolean) {
      return null;
    }
    BigDecimal number = decimalValue(value);
    if (number == null) {
      return null;
    }
    try {
      return number.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException notAnInteger) {
      return null;
    }
  }

  private static BigDecimal decimalValue(Object value) {
    try {
      if (value instanceof String text) {
        return new BigDecimal(text.trim());
      }
      if (value instanceof Number number) {
        return new BigDecimal(number.toString());
      }
    } catch (NumberFormatException notANumber) { // also NaN and infinities
      return null;
    }
    return null;
  }
}
