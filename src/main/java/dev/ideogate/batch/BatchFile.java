package dev.ideogate.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Set;

/**
 * Reads a submitted JSONL file (ARCHITECTURE.md §13): one {@code {"custom_id", "endpoint", "body"}} object per
 * non-blank line. Checks the shape only (the request rules are the caller's); every problem is reported with its
 * line number, and a file with any problem yields no line at all. Pure.
 */
public final class BatchFile {
  public static final int MAX_CUSTOM_ID = 200;
  /** At most this many problems are named in one answer. */
  public static final int MAX_REPORTED = 20;
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1_000_000).build())
      .build());

  private BatchFile() {}

  /**
   * The file read: the lines of a good shape, and the problems by line number (0: the file as a whole). The file
   * is acceptable only without problems; the good lines are there for the caller's own checks, so that one answer
   * names every bad line.
   */
  public record Read(List<BatchLine> lines, SortedMap<Integer, String> problems) {}

  public static Read read(byte[] bytes, int maxLines) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return new Read(List.of(), new TreeMap<>(Map.of(0, "the file is not UTF-8 text")));
    }
    List<BatchLine> lines = new ArrayList<>();
    SortedMap<Integer, String> problems = new TreeMap<>();
    Set<String> ids = new HashSet<>();
    String[] rows = text.split("\n", -1);
    for (int i = 0; i < rows.length; i++) {
      String row = rows[i].strip();
      if (row.isEmpty()) {
        continue;
      }
      int number = i + 1;
      if (lines.size() + problems.size() >= maxLines) {
        return new Read(List.of(), new TreeMap<>(Map.of(0, "the file has more than " + maxLines
            + " lines (batches.maxLines)")));
      }
      try {
        BatchLine line = line(number, row);
        if (!ids.add(line.customId())) {
          problems.put(number, "custom_id '" + clip(line.customId()) + "' repeats an earlier line");
        } else {
          lines.add(line);
        }
      } catch (IllegalArgumentException e) {
        problems.put(number, e.getMessage());
      }
    }
    if (problems.isEmpty() && lines.isEmpty()) {
      problems.put(0, "the file has no request lines");
    }
    return new Read(List.copyOf(lines), problems);
  }

  private static BatchLine line(int number, String row) {
    JsonNode node;
    try {
      node = JSON.readTree(row);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    node.fieldNames().forEachRemaining(name -> {
      if (!Set.of("custom_id", "endpoint", "body", "method").contains(name)) {
        throw new IllegalArgumentException("unknown field '" + clip(name) + "'");
      }
    });
    JsonNode id = node.get("custom_id");
    if (id == null || !id.isTextual() || id.asText().isEmpty() || id.asText().length() > MAX_CUSTOM_ID) {
      throw new IllegalArgumentException("custom_id must be a string of 1 to " + MAX_CUSTOM_ID + " characters");
    }
    JsonNode method = node.get("method");
    if (method != null && !"POST".equals(method.asText())) {
      throw new IllegalArgumentException("method must be POST");
    }
    JsonNode endpoint = node.get("endpoint");
    if (endpoint == null || !endpoint.isTextual()) {
      throw new IllegalArgumentException("endpoint must be a string");
    }
    JsonNode body = node.get("body");
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    return new BatchLine(number, id.asText(), endpoint.asText(), body.toString());
  }

  /** The problems as one message: how many, then the first {@link #MAX_REPORTED} in line order. */
  public static String describe(SortedMap<Integer, String> byLine) {
    List<String> problems = new ArrayList<>();
    byLine.forEach((line, problem) -> problems.add(line == 0 ? problem : "line " + line + ": " + problem));
    List<String> shown = problems.subList(0, Math.min(MAX_REPORTED, problems.size()));
    String more = problems.size() > shown.size() ? "; and " + (problems.size() - shown.size()) + " more" : "";
    return problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the batch, nothing was queued: "
        + String.join("; ", shown) + more;
  }

  private static String clip(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
