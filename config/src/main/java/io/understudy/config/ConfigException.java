package io.understudy.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The configuration could not be read or is invalid. Carries every problem found, not just the first, so an
 * operator fixes the file in one round. Messages never contain a secret: values of {@code password} keys,
 * password files and URL credentials are never echoed. Immutable.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * One problem in a configuration file.
     *
     * @param file    the file name (or the source name given to {@link ConfigLoader#parse})
     * @param line    1-based line, or 0 when the problem concerns the whole file
     * @param path    where in the document, e.g. {@code followers[1].url}; empty for the document itself
     * @param message what is wrong and, where possible, what to write instead
     */
    public record Problem(String file, int line, String path, String message) {
        public Problem {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(message, "message");
        }

        /** {@code file:line: path: message}; the line and path parts are left out when unknown. */
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
        }
    }

    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(render(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    private static String render(List<Problem> problems) {
        return problems.stream().map(Problem::toString).collect(Collectors.joining(System.lineSeparator()));
    }

    /** All problems, in document order where known. */
    public List<Problem> problems() {
        return problems;
    }
}
