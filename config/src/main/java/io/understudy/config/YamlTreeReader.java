package io.understudy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads one YAML document into a {@link YamlNode} tree that keeps line numbers. Uses Jackson's streaming YAML
 * parser because Jackson's {@code JsonNode} tree drops locations. Syntax errors become one problem with the
 * parser's line and a short message that never quotes the offending line (it might hold a password).
 * Stateless apart from the immutable factory; thread-safe.
 */
final class YamlTreeReader {
    private final YAMLFactory factory = new YAMLFactory();

    /** The document's root, or empty if the text is empty or invalid (a problem is then recorded). */
    Optional<YamlNode> read(String yaml, Problems problems) {
        try (JsonParser parser = factory.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(0, "", "the file is empty; expected the sections leader, capture and followers");
                return Optional.empty();
            }
            YamlNode root = readValue(parser, problems, "");
            if (parser.nextToken() != null) {
                problems.add(line(parser.currentTokenLocation()), "",
                        "only one YAML document is allowed; remove the second '---' and what follows it");
            }
            return Optional.of(root);
        } catch (JacksonException e) {
            String message = shortMessage(e.getOriginalMessage());
            if (message.contains("while parsing a flow")) {
                message += "; inside { } and [ ] quote values that contain ${VAR}, ?, {, }, [, ] or commas, e.g. "
                        + "password: \"${VAR}\"";
            }
            problems.add(line(e.getLocation()), "", "invalid YAML: " + message);
            return Optional.empty();
        } catch (IOException e) {
            problems.add(0, "", "cannot read YAML: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private YamlNode readValue(JsonParser parser, Problems problems, String path) throws IOException {
        int line = line(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            return readMapping(parser, problems, path, line);
        }
        if (token == JsonToken.START_ARRAY) {
            List<YamlNode> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(readValue(parser, problems, path + "[" + items.size() + "]"));
            }
            return new YamlNode.Sequence(List.copyOf(items), line);
        }
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            problems.add(line, path, "YAML aliases (*name) are not supported; write the value out");
        }
        return new YamlNode.Scalar(parser.getText(), token == JsonToken.VALUE_NULL, line);
    }

    private YamlNode readMapping(JsonParser parser, Problems problems, String path, int line) throws IOException {
        Map<String, YamlNode.Mapping.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() != JsonToken.END_OBJECT) {
            String key = parser.currentName();
            int keyLine = line(parser.currentTokenLocation());
            parser.nextToken();
            String childPath = path.isEmpty() ? key : path + "." + key;
            YamlNode value = readValue(parser, problems, childPath);
            YamlNode.Mapping.Entry previous = entries.get(key);
            if (previous != null) {
                problems.add(keyLine, childPath, "duplicate key '" + key + "' (first set on line "
                        + previous.keyLine() + "); keep only one");
            } else {
                entries.put(key, new YamlNode.Mapping.Entry(key, keyLine, value));
            }
        }
        return new YamlNode.Mapping(entries, line);
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : Math.max(location.getLineNr(), 0);
    }

    /**
     * SnakeYAML messages interleave "in 'reader', line N" marks and quoted source lines with the description;
     * keep only the description lines (they start in column 0), e.g. "expected ',' or '}', but got :".
     */
    static String shortMessage(String message) {
        if (message == null) {
            return "syntax error";
        }
        List<String> parts = message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .toList();
        if (parts.isEmpty()) {
            return "syntax error";
        }
        String problem = parts.get(parts.size() - 1);
        if (parts.size() == 1) {
            return problem;
        }
        return problem + " (" + parts.subList(0, parts.size() - 1).stream().collect(Collectors.joining("; ")) + ")";
    }
}
