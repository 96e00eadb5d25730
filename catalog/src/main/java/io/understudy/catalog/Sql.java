package io.understudy.catalog;

import java.util.ArrayList;
import java.util.List;

/** Small lexical helpers for MySQL statement text. Stateless and thread-safe. */
final class Sql {
    private Sql() {
    }

    /** The statement without comments, surrounding whitespace and a trailing semicolon. */
    static String strip(String sql) {
        String s = sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)(--\\s|#).*$", " ").trim();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).trim() : s;
    }

    /** Splits at commas outside parentheses, quotes and backticks. */
    static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == '\\' && quote != '`') {
                    i++;
                } else if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(s.substring(start).trim());
        return parts;
    }

    /** An identifier without its backticks or double quotes. */
    static String unquote(String name) {
        String n = name.trim();
        if (n.length() >= 2 && n.startsWith("`") && n.endsWith("`")) {
            return n.substring(1, n.length() - 1).replace("``", "`");
        }
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
            return n.substring(1, n.length() - 1);
        }
        return n;
    }
}
