package io.understudy.catalog;

import java.nio.file.Path;

/** Where the Sakila sample lives: the repository's testdata/sakila (override: -Dsakila.dir). */
final class SakilaFixture {
    static final Path DIR = Path.of(System.getProperty("sakila.dir", "../testdata/sakila"));
    static final Path SCHEMA = DIR.resolve("sakila-schema.sql");

    private SakilaFixture() {
    }
}
