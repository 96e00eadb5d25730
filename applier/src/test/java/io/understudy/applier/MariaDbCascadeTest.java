package io.understudy.applier;

import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;

/** The cascade contract on MariaDB; each test gets its own database and a fresh {@code understudy} database. */
class MariaDbCascadeTest extends CascadeContract {
    @Override
    protected DatabaseServer launch() {
        return Servers.mariadb();
    }

    @Override
    protected void prepare(int testNumber) {
        schema = "fk" + testNumber;
        server.execute(null, "DROP DATABASE IF EXISTS understudy", "CREATE DATABASE " + schema);
        url = server.jdbcUrl(schema);
    }

    @Override
    protected String stampColumn() {
        return "ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP";
    }
}
