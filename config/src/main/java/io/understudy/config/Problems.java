package io.understudy.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems for one file while it is read. Not thread-safe; one instance per load. */
final class Problems {
    private final String file;
    private final List<ConfigException.Problem> list = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void add(int line, String path, String message) {
        list.add(new ConfigException.Problem(file, line, path, message));
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    int size() {
        return list.size();
    }

    /** Throws all problems collected so far, sorted by line, if there are any. */
    void throwIfAny() throws ConfigException {
        if (!list.isEmpty()) {
            List<ConfigException.Problem> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparingInt(ConfigException.Problem::line));
            throw new ConfigException(sorted);
        }
    }
}
