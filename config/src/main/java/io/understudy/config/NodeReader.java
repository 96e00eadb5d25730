package io.understudy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to a {@link YamlNode} tree that records a problem (with line and path) instead of throwing, so
 * validation continues and every problem is reported. Text values get {@code ${VAR}} substitution. Never puts a
 * value into a message unless the caller asks for it. Not thread-safe; one instance per load.
 */
final class NodeReader {
    private final Problems problems;
    private final EnvSubstitution env;

    NodeReader(Problems problems, EnvSubstitution env) {
        this.problems = problems;
        this.env = env;
    }

    Problems problems() {
        return problems;
    }

    void problem(int line, String path, String message) {
        problems.add(line, path, message);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Optional<YamlNode.Mapping> mapping(YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping m) {
            return Optional.of(m);
        }
        problem(node.line(), path, "expected a mapping (key: value lines) but found " + node.describeKind());
        return Optional.empty();
    }

    Optional<List<YamlNode>> sequence(YamlNode node, String path) {
        if (node instanceof YamlNode.Sequence s) {
            return Optional.of(s.items());
        }
        problem(node.line(), path, "expected a list ([a, b] or '- a' lines) but found " + node.describeKind());
        return Optional.empty();
    }

    /** Records an "unknown key" problem for each key not in {@code allowed}, listing the possible values. */
    void rejectUnknownKeys(YamlNode.Mapping mapping, String path, List<String> allowed) {
        for (YamlNode.Mapping.Entry entry : mapping.entries().values()) {
            if (!allowed.contains(entry.key())) {
                problem(entry.keyLine(), path, "unknown key '" + entry.key() + "'; possible values: "
                        + String.join(", ", allowed));
            }
        }
    }

    Optional<YamlNode> optional(YamlNode.Mapping mapping, String key) {
        YamlNode.Mapping.Entry entry = mapping.entries().get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    Optional<YamlNode> required(YamlNode.Mapping mapping, String path, String key) {
        Optional<YamlNode> node = optional(mapping, key);
        if (node.isEmpty()) {
            problem(mapping.line(), path, "missing required key '" + key + "'");
        }
        return node;
    }

    /** The substituted text of a scalar; a problem if it is not a scalar, has no value, or substitution fails. */
    Optional<String> text(YamlNode node, String path) {
        if (!(node instanceof YamlNode.Scalar scalar)) {
            problem(node.line(), path, "expected a single value but found " + node.describeKind());
            return Optional.empty();
        }
        if (scalar.isNull()) {
            problem(node.line(), path, "has no value");
            return Optional.empty();
        }
        EnvSubstitution.Result result = env.apply(scalar.text());
        if (!result.ok()) {
            problem(node.line(), path, result.error());
            return Optional.empty();
        }
        return Optional.of(result.value());
    }

    /** A required, non-blank text value. */
    Optional<String> requiredText(YamlNode.Mapping mapping, String path, String key) {
        String childPath = child(path, key);
        Optional<String> text = required(mapping, path, key).flatMap(node -> text(node, childPath));
        if (text.isPresent() && text.get().isBlank()) {
            problem(optional(mapping, key).orElseThrow().line(), childPath, "must not be empty");
            return Optional.empty();
        }
        return text;
    }

    /** An integer in {@code [min, max]}. */
    Optional<Long> integer(YamlNode node, String path, long min, long max) {
        Optional<String> text = text(node, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(text.get().trim());
            if (value >= min && value <= max) {
                return Optional.of(value);
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        problem(node.line(), path, "must be a whole number from " + min + " to " + max + " but is '" + text.get() + "'");
        return Optional.empty();
    }

    /** A duration written as a number with unit {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms}, {@code 5s}), in {@code [min, max]}. */
    Optional<java.time.Duration> duration(YamlNode node, String path, java.time.Duration min, java.time.Duration max) {
        Optional<String> text = text(node, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            java.time.Duration d = Durations.parse(text.get());
            if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
                return Optional.of(d);
            }
        } catch (IllegalArgumentException e) {
            // reported below with the allowed range
        }
        problem(node.line(), path, "must be a duration from " + Durations.format(min) + " to " + Durations.format(max)
                + " such as 500ms, 5s or 2m, but is '" + text.get() + "'");
        return Optional.empty();
    }

    /** A list of non-blank text values. */
    Optional<List<String>> textList(YamlNode node, String path) {
        Optional<List<YamlNode>> items = sequence(node, path);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<Optional<String>> texts = new ArrayList<>();
        for (int i = 0; i < items.get().size(); i++) {
            YamlNode item = items.get().get(i);
            Optional<String> text = text(item, path + "[" + i + "]");
            if (text.isPresent() && text.get().isBlank()) {
                problem(item.line(), path + "[" + i + "]", "must not be empty");
                text = Optional.empty();
            }
            texts.add(text);
        }
        if (texts.stream().anyMatch(Optional::isEmpty)) {
            return Optional.empty();
        }
        return Optional.of(texts.stream().map(Optional::orElseThrow).toList());
    }
}
