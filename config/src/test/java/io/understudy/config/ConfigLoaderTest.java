package io.understudy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.understudy.model.TableId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final Map<String, String> ENV = Map.of("LEADER_PASSWORD", "leader-s3cret", "PG_PASSWORD", "pg-s3cret");

    static final String FULL = """
            leader:    { kind: mariadb, url: jdbc:mariadb://127.0.0.1:3306/shop, user: understudy, password: "${LEADER_PASSWORD}" }
            capture:   { mode: binlog, tables: [shop.*], exclude: [shop.audit_log], keys: { shop.events: [id, ts] }, server-id: 54001 }
            followers:
              - { name: reporting, kind: postgresql, url: jdbc:postgresql://127.0.0.1:5432/analytics, user: u, password: "${PG_PASSWORD}" }
              - { name: replica2,  kind: mariadb,    url: jdbc:mariadb://127.0.0.1:3307/shop, user: u, password: "" }
            http:      { port: 9464, bind: 127.0.0.1 }
            """;

    static UnderstudyConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(ENV).parse(yaml, "test.yaml");
    }

    static ConfigException problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    @Test
    void parsesTheFullExample() throws Exception {
        UnderstudyConfig config = parse(FULL);

        assertThat(config.leader().kind()).isEqualTo(DatabaseKind.MARIADB);
        assertThat(config.leader().url()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/shop");
        assertThat(config.leader().user()).isEqualTo("understudy");
        assertThat(config.leader().password().reveal()).isEqualTo("leader-s3cret");
        assertThat(config.capture().mode()).isEqualTo(CaptureMode.BINLOG);
        assertThat(config.capture().tables()).containsExactly("shop.*");
        assertThat(config.capture().exclude()).containsExactly("shop.audit_log");
        assertThat(config.capture().keys()).containsExactly(Map.entry(new TableId("shop", "events"), List.of("id", "ts")));
        assertThat(config.capture().serverId()).isEqualTo(54001);
        assertThat(config.followers()).extracting(FollowerConfig::name).containsExactly("reporting", "replica2");
        FollowerConfig reporting = config.follower("reporting").orElseThrow();
        assertThat(reporting.endpoint().kind()).isEqualTo(DatabaseKind.POSTGRESQL);
        assertThat(reporting.endpoint().database()).isEqualTo("analytics");
        assertThat(reporting.endpoint().password().reveal()).isEqualTo("pg-s3cret");
        assertThat(config.follower("replica2").orElseThrow().endpoint().password().reveal()).isEmpty();
        assertThat(config.http()).isEqualTo(new HttpConfig(9464, "127.0.0.1"));
    }

    @Test
    void theShippedExampleFileIsValid(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("replica2");
        Files.writeString(secret, "r2\n");
        String example = Files.readString(Path.of("understudy.example.yaml"))
                .replace("/run/secrets/replica2", secret.toString());
        UnderstudyConfig config = parse(example);
        assertThat(config.followers()).hasSize(2);
    }

    @Test
    void substitutesVariablesInsideScalarsAndAppliesExplicitDefaults() throws Exception {
        UnderstudyConfig config = new ConfigLoader(Map.of("DB_HOST", "db1", "LEADER_PASSWORD", "x", "PG_PASSWORD", "y"))
                .parse(FULL.replace("jdbc:mariadb://127.0.0.1:3306/shop", "'jdbc:mariadb://${DB_HOST}:${DB_PORT:-3310}/shop'")
                        .replace("port: 9464", "port: '${HTTP_PORT:-9999}'"), "t.yaml");
        assertThat(config.leader().url()).isEqualTo("jdbc:mariadb://db1:3310/shop");
        assertThat(config.http().port()).isEqualTo(9999);
    }

    @Test
    void anUnsetVariableIsAProblemNotAnEmptyString() {
        ConfigException e = assertThrows(() -> new ConfigLoader(Map.of("LEADER_PASSWORD", "x")).parse(FULL, "t.yaml"));
        assertThat(e.problems()).containsExactly(new ConfigException.Problem("t.yaml", 4, "followers[0].password",
                "environment variable PG_PASSWORD is not set; set it or write ${PG_PASSWORD:-default}"));
    }

    @Test
    void readsPasswordFileRelativeToTheConfigAndTrimsOneNewline(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("replica2"), "r2-secret \n\n");
        Path file = dir.resolve("understudy.yaml");
        Files.writeString(file, FULL.replace("password: \"\" }", "password-file: replica2 }"));

        UnderstudyConfig config = new ConfigLoader(ENV).load(file);

        assertThat(config.follower("replica2").orElseThrow().endpoint().password().reveal()).isEqualTo("r2-secret \n");
    }

    @Test
    void reportsAMissingPasswordFileAndBothPasswordKinds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("u.yaml");
        Files.writeString(file, FULL.replace("password: \"\" }", "password-file: nope }")
                .replace("password: \"${LEADER_PASSWORD}\" }", "password: a, password-file: b }"));

        ConfigException e = assertThrows(() -> new ConfigLoader(ENV).load(file));

        assertThat(e.problems()).extracting(ConfigException.Problem::line, ConfigException.Problem::path)
                .containsExactly(tuple(1, "leader.password-file"), tuple(5, "followers[1].password-file"));
        assertThat(e.problems().get(1).message()).isEqualTo("file " + dir.resolve("nope") + " does not exist");
        assertThat(e.problems().get(0).file()).isEqualTo(file.toString());
    }

    @Test
    void aMissingPasswordOrABareKeyIsAProblemButQuotedEmptyIsAllowed() {
        ConfigException e = problems(FULL.replace(", password: \"${LEADER_PASSWORD}\" }", " }")
                .replace("password: \"\" }", "password: }"));
        assertThat(e.problems()).extracting(ConfigException.Problem::line, ConfigException.Problem::path)
                .containsExactly(tuple(1, "leader"), tuple(5, "followers[1].password"));
        assertThat(e.problems().get(0).message()).startsWith("missing password");
        assertThat(e.problems().get(1).message()).contains("password: \"\"");
    }

    @Test
    void anEmptyVariableIsNotAnImplicitEmptyPassword() {
        ConfigException e = assertThrows(() -> new ConfigLoader(Map.of("LEADER_PASSWORD", "", "PG_PASSWORD", "p"))
                .parse(FULL, "t.yaml"));
        assertThat(e.problems()).singleElement().extracting(ConfigException.Problem::path).isEqualTo("leader.password");
    }

    @Test
    void applyThreadsDefaultAndRange() throws Exception {
        assertThat(parse(FULL).followers()).extracting(FollowerConfig::applyThreads)
                .containsOnly(FollowerConfig.DEFAULT_APPLY_THREADS);
        assertThat(parse(FULL.replace("name: replica2,", "name: replica2, apply-threads: 1,"))
                .follower("replica2").orElseThrow().applyThreads()).isEqualTo(1);
        assertThat(problems(FULL.replace("name: replica2,", "name: replica2, apply-threads: 0,")).problems())
                .extracting(ConfigException.Problem::path).containsExactly("followers[1].apply-threads");
    }

    @Test
    void lagIntervalAndMaxLagAreDurations() throws Exception {
        UnderstudyConfig defaults = parse(FULL);
        assertThat(defaults.lag().heartbeatInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(defaults.followers().get(1).maxLag()).isEmpty();
        UnderstudyConfig set = parse(FULL.replace("password: \"\" }", "password: \"\", max-lag: 1500ms }")
                + "lag: { heartbeat-interval: 250ms }\n");
        assertThat(set.lag().heartbeatInterval()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(set.followers().get(1).maxLag()).contains(java.time.Duration.ofMillis(1500));
        assertThat(set.describe()).contains("max-lag: 1500ms").contains("heartbeat-interval: 250ms");
        ConfigException e = problems(FULL.replace("password: \"\" }", "password: \"\", max-lag: soon }")
                + "lag: { heartbeat-interval: 10ms }\n");
        assertThat(e.getMessage()).contains("test.yaml:5: followers[1].max-lag: must be a duration from 100ms to 24h")
                .contains("but is 'soon'").contains("lag.heartbeat-interval: must be a duration from 100ms to 10m");
    }

    @Test
    void syncNamesAPriorityOrAQuorumSetOfFollowers() throws Exception {
        assertThat(parse(FULL).sync()).isEmpty();
        SyncConfig first = parse(FULL + "sync: { first: 1, followers: [replica2, reporting] }\n").sync().orElseThrow();
        assertThat(first.priority()).isTrue();
        assertThat(first.describe()).isEqualTo("first 1 of [replica2, reporting]");
        SyncConfig any = parse(FULL + "sync: { any: 2 }\n").sync().orElseThrow();
        assertThat(any.describe()).isEqualTo("any 2 of [reporting, replica2]");
        assertThat(parse(FULL + "sync: { any: 2 }\n").describe()).contains("sync:\n  any: 2\n  followers: [reporting, replica2]");
        assertThat(problems(FULL + "sync: { any: 3 }\n").getMessage()).contains("sync.any: must be a whole number from 1 to 2");
        assertThat(problems(FULL + "sync: { first: 1, any: 1 }\n").getMessage()).contains("give exactly one of first: N");
        assertThat(problems(FULL + "sync: { first: 1, followers: [nobody] }\n").getMessage())
                .contains("sync.followers: 'nobody' is not a follower; followers: reporting, replica2");
    }

    @Test
    void rejectsUnknownKeysAtEveryLevelListingPossibleValues() {
        ConfigException e = problems(FULL.replace("user: understudy", "user: understudy, pasword: x")
                .replace("server-id: 54001", "server-id: 54001, serverid: 1")
                .replace("name: replica2,", "name: replica2, host: h,")
                .replace("bind: 127.0.0.1", "bind: 127.0.0.1, tls: true")
                + "metrics: {}\n");

        assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(),
                "test.yaml:1: leader: unknown key 'pasword'; possible values: kind, url, user, password, password-file",
                "test.yaml:2: capture: unknown key 'serverid'; possible values: mode, tables, exclude, keys, server-id",
                "test.yaml:5: followers[1]: unknown key 'host'; possible values: name, kind, url, user, password, "
                        + "password-file, apply-threads, max-lag",
                "test.yaml:6: http: unknown key 'tls'; possible values: port, bind",
                "test.yaml:7: unknown key 'metrics'; possible values: leader, capture, followers, http, lag, sync"));
    }

    @Test
    void reportsSeveralProblemsTogetherWithTheirLines() {
        String yaml = """
                # comment
                leader:
                  kind: mariadb
                  url: jdbc:mariadb://db:3306/shop
                  user: understudy
                  password: x
                capture:
                  mode: binlog
                  tables: []
                  server-id: 0
                followers:
                  - name: Bad Name
                    kind: oracle
                    url: jdbc:oracle:thin:@h:1521/x
                    user: u
                    password: p
                http:
                  port: 70000
                """;
        ConfigException e = problems(yaml);
        assertThat(e.problems()).extracting(ConfigException.Problem::line, ConfigException.Problem::path)
                .containsExactly(tuple(9, "capture.tables"), tuple(10, "capture.server-id"),
                        tuple(12, "followers[0].name"), tuple(13, "followers[0].kind"), tuple(18, "http.port"));
        assertThat(e.problems().get(1).message()).isEqualTo("must be a whole number from 1 to 2147483647 but is '0'");
        assertThat(e.problems().get(3).message())
                .isEqualTo("unknown kind 'oracle'; possible values: mariadb, mysql, postgresql");
    }

    @Test
    void reportsMissingSectionsAndKeys() {
        ConfigException e = problems("""
                leader:
                  kind: mysql
                  user: u
                  password: p
                capture:
                  tables: [a.b]
                """);
        assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(),
                "test.yaml:1: missing required key 'followers'",
                "test.yaml:2: leader: missing required key 'url'",
                "test.yaml:6: capture: missing required key 'mode'"));
    }

    @Test
    void badYamlSyntaxGivesOneProblemWithTheParsersLineAndNoSourceText() {
        ConfigException e = problems("""
                leader:
                  kind: mariadb
                  password: "s3cret
                  user: u
                """);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("invalid YAML: ").doesNotContain("s3cret").doesNotContain("\n");
        });

        ConfigException flow = problems("leader: { kind: mariadb, password: ${P} }\n");
        assertThat(flow.getMessage()).isEqualTo("test.yaml:1: invalid YAML: expected ',' or '}', but got { (while "
                + "parsing a flow mapping); inside { } and [ ] quote values that contain ${VAR}, ?, {, }, [, ] or commas, e.g. "
                + "password: \"${VAR}\"");

        ConfigException indent = problems("a:\n  b: 1\n c: 2\n");
        assertThat(indent.problems()).singleElement().extracting(ConfigException.Problem::line).isEqualTo(3);
    }

    @Test
    void emptyFileAndWrongRootType() {
        assertThat(problems("").getMessage()).startsWith("test.yaml: the file is empty");
        assertThat(problems("- a\n").getMessage())
                .isEqualTo("test.yaml:1: expected a mapping (key: value lines) but found a list");
    }

    @Test
    void kindAndUrlMustMatch() {
        ConfigException e = problems(FULL.replace("url: jdbc:mariadb://127.0.0.1:3306/shop", "url: jdbc:mysql://127.0.0.1:3306/shop")
                .replace("jdbc:postgresql://127.0.0.1:5432/analytics", "jdbc:postgresql://127.0.0.1:5432/")
                .replace("jdbc:mariadb://127.0.0.1:3307/shop", "jdbc:mariadb:///shop"));
        assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(),
                "test.yaml:1: leader.url: url jdbc:mysql://127.0.0.1:3306/shop does not match kind: mariadb; write "
                        + "jdbc:mariadb://host[:port][/database][?options] or change kind",
                "test.yaml:4: followers[0].url: url names no database; PostgreSQL needs one, write "
                        + "jdbc:postgresql://host[:port]/database[?options]",
                "test.yaml:5: followers[1].url: url has no host (multi-host and socket URLs are not supported); "
                        + "write jdbc:mariadb://host[:port][/database][?options]"));
    }

    @Test
    void aPasswordInTheUrlIsRejectedAndNeverEchoed() {
        ConfigException e = problems(FULL.replace("url: jdbc:mariadb://127.0.0.1:3306/shop",
                "url: 'jdbc:mariadb://127.0.0.1:3306/shop?user=x&password=hunter2'"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("leader.url");
            assertThat(p.message()).startsWith("url must not carry a password");
        });
        ConfigException unquoted = problems(FULL.replace("3306/shop", "3306/shop?user=x&password=hunter2"));
        assertThat(unquoted.getMessage()).doesNotContain("hunter2").contains("quote values");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void aPostgresqlLeaderNeedsTriggerMode() throws Exception {
        String pgLeader = FULL.replace("kind: mariadb, url: jdbc:mariadb://127.0.0.1:3306/shop",
                "kind: postgresql, url: jdbc:postgresql://127.0.0.1:5432/shop");
        ConfigException e = problems(pgLeader);
        assertThat(e.getMessage()).isEqualTo("test.yaml:1: leader.kind: a PostgreSQL leader has no binlog; set"
                + " capture.mode: trigger (docs/trigger-mode.md) or use a mariadb or mysql leader");
        UnderstudyConfig trigger = parse(pgLeader.replace("mode: binlog", "mode: trigger").replace(", server-id: 54001", ""));
        assertThat(trigger.capture().mode()).isEqualTo(CaptureMode.TRIGGER);
        assertThat(trigger.describe()).contains("mode: trigger").doesNotContain("server-id");
    }

    @Test
    void triggerModeHasNoServerIdAndAPostgresFollowerCannotBeTheLeadersDatabase() {
        String pgLeader = FULL.replace("kind: mariadb, url: jdbc:mariadb://127.0.0.1:3306/shop",
                "kind: postgresql, url: jdbc:postgresql://127.0.0.1:5432/analytics").replace("mode: binlog", "mode: trigger");
        ConfigException e = problems(pgLeader);
        assertThat(e.getMessage()).contains("capture.server-id: applies to mode: binlog only");
        ConfigException self = problems(pgLeader.replace(", server-id: 54001", ""));
        assertThat(self.getMessage()).contains("followers[0].url: points at the leader's database analytics on"
                + " 127.0.0.1:5432; a follower must be another database");
    }

    @Test
    void followerNamesMustBeUniqueAndAFollowerCannotBeTheLeader() {
        ConfigException e = problems(FULL.replace("replica2", "reporting").replace("3307", "3306"));
        assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(),
                "test.yaml:5: followers[1].name: duplicate follower name 'reporting' (first used on line 4); "
                        + "names must be unique"));
        ConfigException self = problems(FULL.replace("3307", "3306"));
        assertThat(self.getMessage()).isEqualTo("test.yaml:5: followers[1].url: points at the leader's server "
                + "127.0.0.1:3306; a follower must be another server");
    }

    @Test
    void validatesTablePatternsAndKeys() {
        ConfigException e = problems(FULL.replace("tables: [shop.*]", "tables: [shop, shop.*]")
                .replace("keys: { shop.events: [id, ts] }", "keys: { shop.*: [id], other.t: [a], shop.e: [], shop.f: [a, a] }"));
        assertThat(e.problems()).extracting(ConfigException.Problem::path).containsExactly(
                "capture.tables[0]", "capture.keys.shop.*", "capture.keys.shop.e", "capture.keys.shop.f");
        ConfigException uncaptured = problems(FULL.replace("keys: { shop.events: [id, ts] }", "keys: { other.t: [a] }"));
        assertThat(uncaptured.getMessage()).isEqualTo("test.yaml:2: capture.keys.other.t: names other.t, which "
                + "capture.tables/exclude do not capture; remove it or add it to capture.tables");
    }

    @Test
    void optionalPartsHaveDocumentedDefaults() throws Exception {
        String yaml = FULL.replace(", exclude: [shop.audit_log], keys: { shop.events: [id, ts] }, server-id: 54001", "")
                .replace("http:      { port: 9464, bind: 127.0.0.1 }\n", "");
        UnderstudyConfig config = parse(yaml);
        assertThat(config.capture().exclude()).isEmpty();
        assertThat(config.capture().keys()).isEmpty();
        assertThat(config.http()).isEqualTo(HttpConfig.disabled());
        int derived = config.capture().serverId();
        assertThat(derived).isBetween(5_400_000, 6_399_999).isEqualTo(parse(yaml).capture().serverId());
        assertThat(parse(yaml.replace("replica2", "replica3")).capture().serverId()).isNotEqualTo(derived);
    }

    @Test
    void secretsNeverAppearInToStringOrMessages() throws Exception {
        UnderstudyConfig config = parse(FULL);
        assertThat(config.toString()).doesNotContain("leader-s3cret").doesNotContain("pg-s3cret").contains("****");
        ConfigException e = problems(FULL.replace("kind: mariadb,", "kind: mysql,").replace("user: understudy", "user: ''"));
        assertThat(e.getMessage()).doesNotContain("leader-s3cret").doesNotContain("pg-s3cret");
    }

    static ConfigException assertThrows(ThrowingLoad load) {
        try {
            load.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    interface ThrowingLoad {
        Object run() throws ConfigException;
    }
}
