package io.understudy.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointTest {
    @Test
    void anotherDatabaseKeepsHostPortAndParameters() {
        Endpoint e = new Endpoint(DatabaseKind.MARIADB, "jdbc:mariadb://db.example:3307/sakila?useSsl=false&x=1", "u",
                new Secret("pw"));
        assertThat(e.database()).isEqualTo("sakila");
        assertThat(e.withDatabase("").url()).isEqualTo("jdbc:mariadb://db.example:3307/?useSsl=false&x=1");
        assertThat(e.withDatabase("").database()).isEmpty();
        Endpoint pg = new Endpoint(DatabaseKind.POSTGRESQL, "jdbc:postgresql://localhost/analytics", "u", new Secret("pw"));
        assertThat(pg.withDatabase("postgres").url()).isEqualTo("jdbc:postgresql://localhost/postgres");
        assertThat(pg.withDatabase("postgres").port()).isEqualTo(5432);
    }
}
