package io.understudy.applier;

import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;

/** The cascade contract on PostgreSQL; each test gets its own database with schema {@code shop}. */
class PostgresCascadeTest extends CascadeContract {
    @Override
    protected DatabaseServer launch() {
        return Servers.postgres();
    }

    @Override
    protected void prepare(int testNumber) {
        String database = "cascade" + testNumber;
        server.execute(null, "CREATE DATABASE " + database);
        url = server.jdbcUrl(database);
        schema = "shop";
        server.execute(database, "CREATE SCHEMA shop");
    }

    @Override
    protected String stampColumn() {
        return "ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP";
    }
}
