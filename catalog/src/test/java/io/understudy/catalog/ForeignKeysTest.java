package io.understudy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.catalog.ForeignKey.Rule;
import io.understudy.config.CaptureMode;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Foreign keys read from a real MariaDB leader by a user with SELECT only, as the replication user is. */
class ForeignKeysTest {
    static DatabaseServer leader;

    @BeforeAll
    static void startLeader() {
        leader = Servers.mariadb();
        leader.execute("", "CREATE DATABASE fk", "CREATE DATABASE outside",
                "CREATE TABLE outside.owner (id INT PRIMARY KEY)",
                "CREATE TABLE fk.orders (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE)",
                "CREATE TABLE fk.items (order_id INT NOT NULL, line INT NOT NULL, owner INT, code VARCHAR(10),"
                        + " PRIMARY KEY (order_id, line),"
                        + " CONSTRAINT items_order FOREIGN KEY (order_id) REFERENCES fk.orders (id) ON DELETE CASCADE ON UPDATE CASCADE,"
                        + " CONSTRAINT `items``code` FOREIGN KEY (code) REFERENCES fk.orders (code) ON UPDATE CASCADE,"
                        + " CONSTRAINT items_owner FOREIGN KEY (owner) REFERENCES outside.owner (id) ON DELETE SET NULL)",
                "CREATE TABLE fk.options (id INT PRIMARY KEY, order_id INT, line INT,"
                        + " CONSTRAINT options_item FOREIGN KEY (order_id, line) REFERENCES fk.items (order_id, line) ON DELETE CASCADE)",
                "CREATE TABLE fk.tree (id INT PRIMARY KEY, parent_id INT,"
                        + " CONSTRAINT tree_parent FOREIGN KEY (parent_id) REFERENCES fk.tree (id) ON DELETE SET NULL)",
                "CREATE TABLE fk.plain (id INT PRIMARY KEY, o INT, CONSTRAINT plain_order FOREIGN KEY (o) REFERENCES fk.orders (id))",
                "CREATE USER 'cdc'@'localhost' IDENTIFIED BY 'cdc-pw'", "GRANT SELECT ON *.* TO 'cdc'@'localhost'");
    }

    @AfterAll
    static void stopLeader() {
        leader.close();
    }

    private static Connection asReplicationUser() throws Exception {
        return DriverManager.getConnection(leader.jdbcUrl(""), "cdc", "cdc-pw");
    }

    private static final TableFilter FK = new TableFilter(List.of("fk.*"), List.of());

    @Test
    void readsColumnsInKeyOrderAndEachRule() throws Exception {
        Map<String, ForeignKey> keys;
        try (Connection c = asReplicationUser()) {
            keys = ForeignKeys.read(c, FK).stream().collect(Collectors.toMap(ForeignKey::name, Function.identity()));
        }
        assertThat(keys).containsOnlyKeys("items_order", "items`code", "items_owner", "options_item", "tree_parent", "plain_order");
        assertThat(keys.get("options_item")).isEqualTo(new ForeignKey("options_item", new TableId("fk", "options"),
                List.of("order_id", "line"), new TableId("fk", "items"), List.of("order_id", "line"), Rule.CASCADE, Rule.RESTRICT));
        assertThat(keys.get("items`code").onUpdate()).isEqualTo(Rule.CASCADE);
        assertThat(keys.get("items`code").referenced()).containsExactly("code");
        assertThat(keys.get("items_owner").parent()).isEqualTo(new TableId("outside", "owner"));
        assertThat(keys.get("tree_parent").onDelete()).isEqualTo(Rule.SET_NULL);
        assertThat(keys.get("plain_order").cascades()).isFalse();
    }

    @Test
    void mariaDbLeadersNeedTheirCascadesReplayed() throws Exception {
        try (Connection c = asReplicationUser()) {
            assertThat(ForeignKeys.leaderRecordsCascades(c, DatabaseKind.MARIADB, CaptureMode.BINLOG)).isEmpty();
            assertThat(ForeignKeys.leaderRecordsCascades(c, DatabaseKind.MARIADB, CaptureMode.TRIGGER)).isEmpty();
        }
        ForeignKeyGraph graph = ForeignKeys.toReplay(new io.understudy.config.Endpoint(DatabaseKind.MARIADB,
                leader.jdbcUrl(""), "cdc", new io.understudy.config.Secret("cdc-pw")),
                new io.understudy.config.CaptureConfig(CaptureMode.BINLOG, List.of("fk.*"), List.of(), Map.of(), 1));
        assertThat(graph.keys()).extracting(ForeignKey::name)
                .containsExactlyInAnyOrder("items_order", "items`code", "options_item", "tree_parent");
    }

    @Test
    void checkNamesWhatFollowersCannotGetRight() throws Exception {
        List<CascadeCheck.Finding> findings;
        try (Connection c = asReplicationUser()) {
            findings = CascadeCheck.run(c, DatabaseKind.MARIADB, CaptureMode.BINLOG, FK, true);
        }
        Map<String, CascadeCheck.Finding> byCheck = findings.stream()
                .collect(Collectors.toMap(CascadeCheck.Finding::check, Function.identity()));
        CascadeCheck.Finding replayed = byCheck.get("foreign key cascades");
        assertThat(replayed.ok()).isTrue();
        assertThat(replayed.fix()).as("handled: no warning").isEmpty();
        assertThat(replayed.detail()).contains("4 cascading foreign key(s)").contains("replays them");
        CascadeCheck.Finding outside = byCheck.get("cascades from tables not replicated");
        assertThat(outside.fix()).isNotEmpty();
        assertThat(outside.detail()).contains("items_owner").contains("outside.owner not replicated");
        assertThat(byCheck.get("text keys on PostgreSQL followers").detail()).contains("items`code");
        assertThat(byCheck).doesNotContainKey("overlapping cascading keys");

        try (Connection c = asReplicationUser()) {
            List<CascadeCheck.Finding> plainOnly = CascadeCheck.run(c, DatabaseKind.MARIADB, CaptureMode.BINLOG,
                    new TableFilter(List.of("fk.plain", "fk.orders"), List.of()), false);
            assertThat(plainOnly).singleElement().satisfies(f -> {
                assertThat(f.detail()).contains("no replicated table depends on a cascading foreign key");
                assertThat(f.fix()).isEmpty();
            });
            assertThat(CascadeCheck.run(c, DatabaseKind.POSTGRESQL, CaptureMode.TRIGGER, FK, false))
                    .singleElement().satisfies(f -> assertThat(f.detail()).contains("capture triggers"));
        }
    }
}
