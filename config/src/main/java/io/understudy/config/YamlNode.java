package io.understudy.config;

import java.util.List;
import java.util.Map;

/** A YAML value with the 1-based line it starts on; the loader's own tree, so every problem can name a line. */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {
    int line();

    /** What to call this kind of node in a message. */
    String describeKind();

    /**
     * A scalar. {@code text} is the raw text before {@code ${VAR}} substitution.
     *
     * @param isNull true for an absent value ({@code key:}, {@code ~}, {@code null})
     */
    record Scalar(String text, boolean isNull, int line) implements YamlNode {
        @Override
        public String describeKind() {
            return isNull ? "nothing" : "a single value";
        }
    }

    /** A mapping in document order; each value remembers the line of its key. */
    record Mapping(Map<String, Entry> entries, int line) implements YamlNode {
        /** One key and its value. */
        record Entry(String key, int keyLine, YamlNode value) { }

        @Override
        public String describeKind() {
            return "a mapping";
        }
    }

    /** A list. */
    record Sequence(List<YamlNode> items, int line) implements YamlNode {
        @Override
        public String describeKind() {
            return "a list";
        }
    }
}
