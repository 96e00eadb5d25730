package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Identifier quoting per dialect. Stateless and thread-safe. */
final class Quoting {
    private static final int PG_MAX_IDENTIFIER_BYTES = 63;

    private Quoting() {
    }

    static String quote(DatabaseKind kind, String identifier) {
        return kind.isMySqlFamily()
                ? "`" + identifier.replace("`", "``") + "`"
                : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String table(DatabaseKind kind, TableId id) {
        return quote(kind, id.schema()) + "." + quote(kind, id.table());
    }

    static String columns(DatabaseKind kind, List<String> names) {
        return names.stream().map(n -> quote(kind, n)).collect(Collectors.joining(", "));
    }

    /** A PostgreSQL identifier of at most 63 bytes; longer names are cut and get a hash suffix to stay distinct. */
    static String pgName(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= PG_MAX_IDENTIFIER_BYTES) {
            return name;
        }
        String suffix = "_" + String.format("%08x", name.hashCode());
        StringBuilder cut = new StringBuilder();
        for (int cp : name.codePoints().toArray()) {
            String next = cut + new String(Character.toChars(cp));
            if (next.getBytes(StandardCharsets.UTF_8).length + suffix.length() > PG_MAX_IDENTIFIER_BYTES) {
                break;
            }
            cut.append(Character.toChars(cp));
        }
        return cut + suffix;
    }

    /** A single-quoted SQL string literal with standard (doubled-quote) escaping. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
