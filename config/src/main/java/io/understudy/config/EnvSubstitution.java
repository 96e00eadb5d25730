package io.understudy.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a scalar from an environment map. An unset variable
 * without a default is an error, never an empty string. {@code $${} writes a literal {@code ${}.
 * Error messages name the variable, never its value. Immutable and thread-safe.
 */
final class EnvSubstitution {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The outcome: the substituted text, or the reason it failed. */
    record Result(String value, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private final Map<String, String> environment;

    EnvSubstitution(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Result apply(String text) {
        if (!text.contains("${")) {
            return new Result(text, null);
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    return new Result(null, "unterminated '${'; write ${NAME}, ${NAME:-default} or $${ for a literal");
                }
                String error = resolve(text.substring(i + 2, end), out);
                if (error != null) {
                    return new Result(null, error);
                }
                i = end + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return new Result(out.toString(), null);
    }

    private String resolve(String expression, StringBuilder out) {
        int colon = expression.indexOf(":-");
        String name = colon < 0 ? expression : expression.substring(0, colon);
        if (!NAME.matcher(name).matches()) {
            // not echoed: a literal password may contain "${"
            return "contains a '${...}' that is not a valid environment variable reference (use letters, digits"
                    + " and _ in the name), or write $${ for a literal '${'";
        }
        String value = environment.get(name);
        if (value != null) {
            out.append(value);
            return null;
        }
        if (colon >= 0) {
            out.append(expression.substring(colon + 2));
            return null;
        }
        return "environment variable " + name + " is not set; set it or write ${" + name + ":-default}";
    }
}
