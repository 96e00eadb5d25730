package io.understudy.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a MySQL/MariaDB client script (as fed to the {@code mariadb} command-line client) into single
 * statements that can be run one by one over JDBC.
 *
 * <p>Handles: {@code DELIMITER xx} lines (the delimiter is then {@code xx} until the next DELIMITER line,
 * so trigger and procedure bodies with {@code ;} stay whole); quoted strings ({@code '...'}, {@code "..."})
 * with backslash and doubled-quote escapes; back-quoted identifiers; {@code -- } and {@code #} line comments
 * and plain block comments (all dropped). Executable comments {@code /*! ... *}{@code /} are kept verbatim,
 * because the server runs their content (Sakila declares its GEOMETRY column that way). Statements with
 * no content left are skipped. The returned statements carry no trailing delimiter.
 *
 * <p>Pure function; thread-safe.
 */
public final class SqlScript {
    private SqlScript() {
    }

    /** The statements of {@code script}, in order. */
    public static List<String> statements(String script) {
        return new Splitter(script).split();
    }

    /** One pass over the script; not shared. */
    private static final class Splitter {
        private final String s;
        private final List<String> out = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();
        private String delimiter = ";";
        private int i;
        /** True while {@link #current} holds only whitespace; saves rescanning it. */
        private boolean blank = true;

        Splitter(String script) {
            this.s = script;
        }

        List<String> split() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if ((c == 'D' || c == 'd') && atLineStart() && startsWithDelimiterCommand()) {
                    readDelimiterCommand();
                } else if (s.startsWith(delimiter, i)) {
                    flush();
                    i += delimiter.length();
                } else {
                    step();
                }
            }
            flush();
            return out;
        }

        private void step() {
            char c = s.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                copyQuoted(c);
            } else if (c == '#' || (s.startsWith("--", i) && (i + 2 == s.length() || Character.isWhitespace(s.charAt(i + 2))))) {
                skipToLineEnd();
            } else if (s.startsWith("/*", i)) {
                blockComment();
            } else {
                current.append(c);
                blank &= Character.isWhitespace(c);
                i++;
            }
        }

        private void copyQuoted(char quote) {
            blank = false;
            current.append(quote);
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                current.append(c);
                i++;
                if (c == '\\' && quote != '`' && i < s.length()) {
                    current.append(s.charAt(i));
                    i++;
                } else if (c == quote) {
                    if (i < s.length() && s.charAt(i) == quote) {
                        current.append(quote);
                        i++;
                    } else {
                        return;
                    }
                }
            }
        }

        private void blockComment() {
            int end = s.indexOf("*/", i + 2);
            int stop = end < 0 ? s.length() : end + 2;
            if (s.startsWith("/*!", i) || s.startsWith("/*M!", i)) {
                current.append(s, i, stop);
                blank = false;
            } else {
                current.append(' ');
            }
            i = stop;
        }

        private void skipToLineEnd() {
            while (i < s.length() && s.charAt(i) != '\n') {
                i++;
            }
        }

        private boolean atLineStart() {
            return blank && (i == 0 || lineBeforeIsBlank());
        }

        private boolean lineBeforeIsBlank() {
            int j = i - 1;
            while (j >= 0 && s.charAt(j) != '\n') {
                if (!Character.isWhitespace(s.charAt(j))) {
                    return false;
                }
                j--;
            }
            return true;
        }

        private boolean startsWithDelimiterCommand() {
            int j = i;
            while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                j++;
            }
            String head = s.substring(j, Math.min(s.length(), j + 10)).toUpperCase(Locale.ROOT);
            return head.startsWith("DELIMITER ") || head.startsWith("DELIMITER\t");
        }

        private void readDelimiterCommand() {
            int end = s.indexOf('\n', i);
            String line = s.substring(i, end < 0 ? s.length() : end).trim();
            String next = line.substring("DELIMITER".length()).trim();
            if (next.isEmpty()) {
                throw new IllegalArgumentException("DELIMITER without a delimiter near character " + i
                        + ": '" + line + "'");
            }
            delimiter = next;
            current.setLength(0);
            blank = true;
            i = end < 0 ? s.length() : end + 1;
        }

        private void flush() {
            String statement = current.toString().trim();
            if (!statement.isEmpty()) {
                out.add(statement);
            }
            current.setLength(0);
            blank = true;
        }
    }
}
