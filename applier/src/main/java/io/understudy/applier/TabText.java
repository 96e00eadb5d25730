package io.understudy.applier;

/**
 * Tab-separated text as PostgreSQL's {@code COPY … FROM STDIN} (text format) and MariaDB's {@code LOAD DATA … FIELDS
 * TERMINATED BY '\t' ESCAPED BY '\\'} read it: the escape character, the field and line terminators, carriage return
 * and NUL escaped with a backslash (PostgreSQL values never hold NUL: they are refused before). Stateless.
 */
final class TabText {
    private TabText() {
    }

    static StringBuilder escape(StringBuilder out, String s) {
        int plain = 0; // start of the characters not appended yet: runs without escapes are appended at once
        for (int i = 0; i < s.length(); i++) {
            String escaped = switch (s.charAt(i)) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\0' -> "\\0";
                default -> null;
            };
            if (escaped != null) {
                out.append(s, plain, i).append(escaped);
                plain = i + 1;
            }
        }
        return out.append(s, plain, s.length());
    }
}
