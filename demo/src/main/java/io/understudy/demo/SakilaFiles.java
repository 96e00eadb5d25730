package io.understudy.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the Sakila sample files: an explicit directory, or the repository's testdata/sakila from here or a parent. */
final class SakilaFiles {
    private SakilaFiles() {
    }

    static Path locate(Path explicit) {
        if (explicit != null) {
            return check(explicit);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("testdata/sakila");
            if (Files.isRegularFile(candidate.resolve("sakila-schema.sql"))) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("cannot find the Sakila sample database (sakila-schema.sql) under "
                + "testdata/sakila of the repository, looking from " + dir + " upwards; run from the repository or pass --sakila DIR");
    }

    private static Path check(Path dir) {
        if (!Files.isRegularFile(dir.resolve("sakila-schema.sql")) || !Files.isRegularFile(dir.resolve("sakila-data.sql"))) {
            throw new IllegalArgumentException(dir + " does not hold sakila-schema.sql and sakila-data.sql");
        }
        return dir;
    }
}
