package io.understudy.catalog;

import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A real MariaDB leader and PostgreSQL and MariaDB followers, shared by the tests of one class. */
abstract class ThreeServers {
    static DatabaseServer leader;
    static DatabaseServer pg;
    static DatabaseServer maria;

    @BeforeAll
    static void startServers() {
        leader = Servers.mariadb();
        pg = Servers.postgres();
        maria = Servers.mariadb();
    }

    @AfterAll
    static void stopServers() {
        for (DatabaseServer s : new DatabaseServer[] {leader, pg, maria}) {
            if (s != null) {
                s.close();
            }
        }
    }
}
