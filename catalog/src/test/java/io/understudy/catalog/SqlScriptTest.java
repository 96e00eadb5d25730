package io.understudy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void splitsOnSemicolonsOutsideQuotesAndComments() {
        List<String> s = SqlScript.statements("""
                -- a comment; with a semicolon
                SELECT 'a;b', "c;d", `e;f`; # trailing; comment
                /* block; comment */ INSERT INTO t VALUES ('it''s', 'back\\\\slash\\';x');
                SELECT 1--2
                ;
                """);
        assertThat(s).containsExactly("SELECT 'a;b', \"c;d\", `e;f`",
                "INSERT INTO t VALUES ('it''s', 'back\\\\slash\\';x')", "SELECT 1--2");
    }

    @Test
    void honoursDelimiterChangesAndKeepsExecutableComments() {
        List<String> s = SqlScript.statements("""
                CREATE TABLE t (a INT, /*!50705 g GEOMETRY */ b INT);
                /*!50610 SET @@x = 1*/;
                DELIMITER ;;
                CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW BEGIN
                  INSERT INTO u VALUES (1); INSERT INTO u VALUES (2);
                END;;
                DELIMITER ;
                delimiter $$
                CREATE PROCEDURE p() BEGIN SELECT 1; END $$
                DELIMITER ;
                SELECT 2;
                """);
        assertThat(s).hasSize(5);
        assertThat(s.get(0)).isEqualTo("CREATE TABLE t (a INT, /*!50705 g GEOMETRY */ b INT)");
        assertThat(s.get(1)).isEqualTo("/*!50610 SET @@x = 1*/");
        assertThat(s.get(2)).startsWith("CREATE TRIGGER").endsWith("END").contains("VALUES (1); INSERT");
        assertThat(s.get(3)).isEqualTo("CREATE PROCEDURE p() BEGIN SELECT 1; END");
        assertThat(s.get(4)).isEqualTo("SELECT 2");
    }

    @Test
    void splitsSakilaIntoItsObjects() throws Exception {
        List<String> s = SqlScript.statements(Files.readString(SakilaFixture.SCHEMA));
        assertThat(s.stream().filter(x -> x.startsWith("CREATE TABLE"))).hasSize(16);
        assertThat(s.stream().filter(x -> x.startsWith("CREATE TRIGGER"))).hasSize(3);
        assertThat(s.stream().filter(x -> x.contains("VIEW"))).hasSize(7);
        assertThat(s).noneMatch(x -> x.startsWith("DELIMITER"));
    }
}
