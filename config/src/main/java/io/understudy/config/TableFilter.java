package io.understudy.config;

import io.understudy.model.TableId;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides which leader tables are replicated: included by at least one pattern and excluded by none.
 * Patterns are {@code schema.table}; {@code *} matches any run of characters inside one part.
 * Matching is case-sensitive, like table names on Linux MySQL/MariaDB. Immutable and thread-safe.
 */
public final class TableFilter {
    private final List<String> include;
    private final List<String> exclude;
    private final List<Pattern> includePatterns;
    private final List<Pattern> excludePatterns;

    public TableFilter(List<String> include, List<String> exclude) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.includePatterns = this.include.stream().map(TableFilter::compile).toList();
        this.excludePatterns = this.exclude.stream().map(TableFilter::compile).toList();
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                re.append("[^.]*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    public boolean includes(TableId table) {
        String name = table.toString();
        return includePatterns.stream().anyMatch(p -> p.matcher(name).matches())
                && excludePatterns.stream().noneMatch(p -> p.matcher(name).matches());
    }

    public List<String> includePatterns() {
        return include;
    }

    public List<String> excludePatterns() {
        return exclude;
    }

    /** Schemas named literally by include patterns, or empty if any pattern has a wildcard schema. */
    public List<String> literalSchemas() {
        if (include.stream().anyMatch(p -> p.substring(0, Math.max(p.indexOf('.'), 0)).contains("*"))) {
            return List.of();
        }
        return include.stream().map(p -> p.substring(0, p.indexOf('.'))).distinct().toList();
    }
}
