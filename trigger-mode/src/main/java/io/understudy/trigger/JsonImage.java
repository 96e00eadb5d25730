package io.understudy.trigger;

import io.understudy.trigger.ImageDecoder.ImageException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits the JSON text of one row image (a flat JSON object, as {@code row_to_json} or a MySQL trigger writes it)
 * into its members, keeping each value's exact source text. A library parser would give numbers and nested
 * documents back re-serialized, and enforces size limits (Jackson refuses strings over 20 MB and numbers over 1,000
 * digits by default); a row image needs neither. Stateless and thread-safe.
 */
final class JsonImage {
    /** What a member's value is. */
    enum Kind { STRING, NUMBER, TRUE, FALSE, NULL, OBJECT, ARRAY }

    /**
     * One member's value.
     *
     * @param kind the JSON type of the value
     * @param raw  the value's source text, exactly as written, including any white space around it (a {@code json}
     *             column's text keeps the white space it was stored with)
     * @param text for {@link Kind#STRING} the unescaped string, otherwise the source text without surrounding space
     */
    record Value(Kind kind, String raw, String text) {
    }

    private final String json;
    private int pos;

    private JsonImage(String json) {
        this.json = json;
    }

    /**
     * The members of the object in {@code json}, in source order.
     *
     * @throws ImageException if the text is not one JSON object
     */
    static Map<String, Value> members(String json) {
        if (json == null) {
            throw new ImageException("the row image is missing (NULL)");
        }
        return new JsonImage(json).object();
    }

    private Map<String, Value> object() {
        Map<String, Value> members = new LinkedHashMap<>();
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipSpace();
                expect('"');
                String name = string();
                skipSpace();
                expect(':');
                int rawStart = pos;
                skipSpace();
                int start = pos;
                Kind kind = value();
                String text = kind == Kind.STRING ? unescape(start + 1, pos - 1) : json.substring(start, pos);
                skipSpace();
                members.put(name, new Value(kind, json.substring(rawStart, pos), text));
                char next = next();
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw malformed("',' or '}'");
                }
            }
        }
        skipSpace();
        if (pos != json.length()) {
            throw malformed("the end of the image");
        }
        return members;
    }

    /** Skips one value and tells its kind. */
    private Kind value() {
        char c = peek();
        switch (c) {
            case '"' -> {
                pos++;
                skipString();
                return Kind.STRING;
            }
            case '{', '[' -> {
                skipComposite();
                return c == '{' ? Kind.OBJECT : Kind.ARRAY;
            }
            case 't' -> {
                return literal("true", Kind.TRUE);
            }
            case 'f' -> {
                return literal("false", Kind.FALSE);
            }
            case 'n' -> {
                return literal("null", Kind.NULL);
            }
            default -> {
                int start = pos;
                while (pos < json.length() && "+-0123456789.eE".indexOf(json.charAt(pos)) >= 0) {
                    pos++;
                }
                if (pos == start) {
                    throw malformed("a value");
                }
                return Kind.NUMBER;
            }
        }
    }

    private Kind literal(String word, Kind kind) {
        if (!json.startsWith(word, pos)) {
            throw malformed("a value");
        }
        pos += word.length();
        return kind;
    }

    /** Past the closing bracket of the object or array starting at {@code pos}, strings inside included. */
    private void skipComposite() {
        int depth = 0;
        do {
            char c = next();
            if (c == '"') {
                skipString();
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        } while (depth > 0);
    }

    /** From just after an opening quote to just after the closing one. */
    private void skipString() {
        while (true) {
            char c = next();
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                next();
            }
        }
    }

    /** Reads a member name: from just after its opening quote. */
    private String string() {
        int start = pos;
        skipString();
        return unescape(start, pos - 1);
    }

    private String unescape(int from, int to) {
        int slash = json.indexOf('\\', from);
        if (slash < 0 || slash >= to) {
            return json.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 5 > to) {
                        throw new ImageException("truncated \\u escape at offset " + i + " of the row image");
                    }
                    try {
                        sb.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    } catch (NumberFormatException ex) {
                        throw new ImageException("invalid \\u escape at offset " + i + " of the row image", ex);
                    }
                    i += 4;
                }
                default -> sb.append(e); // \" \\ \/
            }
        }
        return sb.toString();
    }

    private void skipSpace() {
        while (pos < json.length() && Character.isWhitespace(json.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= json.length()) {
            throw malformed("more text");
        }
        return json.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw malformed("'" + c + "'");
        }
    }

    private ImageException malformed(String expected) {
        String around = json.substring(Math.max(0, pos - 20), Math.min(json.length(), pos + 20));
        return new ImageException("the row image is not a flat JSON object: expected " + expected + " at offset " + pos
                + " (near '" + around + "')");
    }
}
