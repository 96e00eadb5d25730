package io.understudy.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.TableDef;
import io.understudy.model.Bits;
import io.understudy.model.Json;
import io.understudy.model.Row;
import io.understudy.model.TableId;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding, SQL generation and refusals of {@link MySqlImages} without a database. */
class MySqlImagesDecodeTest {
    private final MySqlImages images = new MySqlImages();

    static ColumnDef column(String name, String dataType, String columnType) {
        Integer scale = dataType.equals("decimal") ? Integer.valueOf(columnType.replaceAll(".*,(\\d+)\\).*", "$1")) : null;
        Integer precision = dataType.equals("bit") ? Integer.valueOf(columnType.replaceAll("\\D", "")) : null;
        return new ColumnDef(name, dataType, columnType, true, null, precision, scale, null, null, false);
    }

    static TableDef table(ColumnDef... columns) {
        return new TableDef(new TableId("s", "t"), List.of(columns), List.of(columns[0].name()), List.of());
    }

    private Row decode(TableDef table, String image) {
        return images.decode(new CaptureDefinition(7, table, table.primaryKey()), image);
    }

    @Test
    void imageSqlQuotesNamesAndEncodesEachType() {
        TableDef t = table(column("id", "int", "int(11)"), column("f", "float", "float"),
                column("b`q'\\x", "varbinary", "varbinary(10)"), column("ts", "timestamp", "timestamp(6)"),
                column("j", "json", "json"), column("y", "year", "year(4)"), column("名", "varchar", "varchar(5)"),
                column("z", "int", "int(5) unsigned zerofill"), column("c", "char", "char(3)"));
        assertThat(MySqlImages.imageSql(t, "new")).isEqualTo("CONCAT(JSON_OBJECT("
                + "'id', NEW.`id`, "
                + "'f', CAST(NEW.`f` AS DOUBLE), "
                + "_utf8mb4 X'626071275C78', IFNULL(HEX(NEW.`b``q'\\x`), IF(NEW.`b``q'\\x` IS NULL, NULL, '!')), "
                + "'ts', UNIX_TIMESTAMP(NEW.`ts`), "
                + "'j', CAST(NEW.`j` AS CHAR CHARACTER SET utf8mb4), "
                + "'y', NEW.`y` + 0, "
                + "_utf8mb4 X'E5908D', CAST(NEW.`名` AS CHAR CHARACTER SET utf8mb4), "
                + "'z', NEW.`z` + 0, "
                + "'c', RTRIM(CAST(NEW.`c` AS CHAR CHARACTER SET utf8mb4))))");
        assertThatThrownBy(() -> MySqlImages.imageSql(t, "ROW")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NEW or OLD");
    }

    @Test
    void unsupportedNamesEachColumnItsTypeAndTheWayOut() {
        TableDef t = table(column("id", "int", "int(11)"), column("v", "vector", "vector(3)"),
                column("ip", "inet6", "inet6"), column("u", "uuid", "uuid"), column("y2", "year", "year(2)"),
                column("x", "frobnicate", "frobnicate"), column("ok", "geometry", "geometry"));
        assertThat(MySqlImages.unsupported(t)).containsExactly(
                "column s.t.v has type vector(3), which trigger capture cannot serialize exactly; exclude the table or"
                        + " change the column type",
                "column s.t.ip has type inet6, which trigger capture cannot serialize exactly; exclude the table or"
                        + " change the column type",
                "column s.t.u has type uuid, which trigger capture cannot serialize exactly; exclude the table or"
                        + " change the column type",
                "column s.t.y2 has type year(2), whose two-digit years trigger capture cannot read back exactly; change"
                        + " the column to YEAR (ALTER TABLE ... MODIFY `y2` YEAR) or exclude the table",
                "column s.t.x has type frobnicate, which trigger capture cannot serialize exactly; exclude the table or"
                        + " change the column type");
        assertThat(MySqlImages.unsupported(table(column("id", "bigint", "bigint(20) unsigned")))).isEmpty();
    }

    @Test
    void decodesInAnyKeyOrderAndLeavesAbsentColumnsOut() {
        TableDef t = table(column("id", "int", "int(11)"), column("a", "varchar", "varchar(5)"),
                column("b", "decimal", "decimal(10,3)"), column("c", "bit", "bit(5)"));
        Row row = decode(t, "{\"c\": 5, \"id\": -3, \"b\": 1.5}");
        assertThat(row.columns()).containsExactly("id", "b", "c");
        assertThat(row.values()).containsExactly(-3L, new BigDecimal("1.500"), new Bits("00101"));
        assertThat(decode(t, "{}").columns()).isEmpty();
        assertThat(decode(t, "{\"a\": null}").asMap()).containsEntry("a", null);
    }

    @Test
    void numbersAreReadFromTheirExactText() {
        TableDef t = table(column("id", "bigint", "bigint(20) unsigned"), column("f", "float", "float"),
                column("d", "double", "double"), column("ts", "timestamp", "timestamp(6)"), column("y", "year", "year(4)"),
                column("j", "json", "json"), column("mj", "json", "longtext"), column("b1", "bit", "bit(1)"));
        Row row = decode(t, "{\"id\": 18446744073709551615, \"f\": -0, \"d\": -0, \"ts\": 2147483647.000001,"
                + " \"y\": 0, \"j\": \"{\\\"a\\\": 1}\", \"mj\": \"[1]\", \"b1\": 1}");
        assertThat(row.get("id")).isEqualTo(new java.math.BigInteger("18446744073709551615"));
        assertThat(Float.floatToRawIntBits((Float) row.get("f"))).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(Double.doubleToRawLongBits((Double) row.get("d"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(row.get("ts")).isEqualTo(Instant.parse("2038-01-19T03:14:07.000001Z"));
        assertThat(row.get("y")).isEqualTo(0L);
        assertThat(row.get("j")).isEqualTo(new Json("{\"a\": 1}"));
        assertThat(row.get("mj")).isEqualTo("[1]");
        assertThat(row.get("b1")).isEqualTo(true);
        assertThat(decode(t, "{\"f\": 3.1415927410125732, \"d\": 1e-323}").values())
                .containsExactly(3.1415927f, 1e-323);
    }

    @Test
    void temporalsAcceptAnyFractionAndZeroDatesBecomeNull() {
        TableDef t = table(column("id", "int", "int(11)"), column("d", "date", "date"),
                column("dt", "datetime", "datetime(6)"), column("tm", "time", "time(6)"),
                column("ts", "timestamp", "timestamp"));
        Map<String, Object> row = decode(t, "{\"d\": \"0000-00-00\", \"dt\": \"2024-01-02 03:04:05.100000\","
                + " \"tm\": \"-838:59:59.000001\", \"ts\": 0}").asMap();
        assertThat(row.get("d")).isNull();
        assertThat(row.get("dt")).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 100_000_000));
        assertThat(row.get("tm")).isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59).minusNanos(1000));
        assertThat(row.get("ts")).isNull();
        row = decode(t, "{\"d\": \"0000-01-01\", \"dt\": \"2024-05-00 10:00:00\", \"tm\": \"-00:00:00.5\"}").asMap();
        assertThat(row.get("d")).isEqualTo(LocalDate.of(0, 1, 1));
        assertThat(row.get("dt")).isNull();
        assertThat(row.get("tm")).isEqualTo(Duration.ofMillis(-500));
    }

    @Test
    void hugeValuesDecode() {
        TableDef t = table(column("id", "int", "int(11)"), column("b", "longblob", "longblob"));
        byte[] blob = new byte[11_000_000];
        Arrays.fill(blob, (byte) 0xab);
        String image = "{\"b\": \"" + "AB".repeat(blob.length) + "\"}"; // beyond Jackson's default 20M-character limit
        assertThat((byte[]) decode(t, image).get("b")).isEqualTo(blob);
    }

    @Test
    void errorsNameTheColumnAndTheProblem() {
        TableDef t = table(column("id", "int", "int(11)"), column("f", "float", "float"),
                column("dec", "decimal", "decimal(5,2)"), column("b", "blob", "blob"), column("bits", "bit", "bit(3)"),
                column("d", "date", "date"), column("v", "varchar", "varchar(5)"), column("u", "uuid", "uuid"));
        assertError(t, null, "row image of s.t is NULL", "max_allowed_packet");
        assertError(t, "not json", "row image of s.t is not valid JSON");
        assertError(t, "[1]", "is not a JSON object");
        assertError(t, "{\"id\": 1} {}", "is not a single JSON object");
        assertError(t, "{\"nope\": 1}", "column 'nope'", "capture definition 7");
        assertError(t, "{\"id\": 1, \"id\": 2}", "column 'id' twice");
        assertError(t, "{\"f\": 3.14159}", "column s.t.f (float): 3.14159 is not exactly a FLOAT value");
        assertError(t, "{\"dec\": 1.234}", "column s.t.dec (decimal(5,2)): 1.234 has more than the column's 2 decimal places");
        assertError(t, "{\"b\": \"!\"}", "column s.t.b (blob): the trigger could not encode this value");
        assertError(t, "{\"b\": \"ABC\"}", "column s.t.b (blob)");
        assertError(t, "{\"bits\": 8}", "column s.t.bits (bit(3)): 8 does not fit BIT(3)");
        assertError(t, "{\"d\": \"2024-02-30\"}", "column s.t.d (date): '2024-02-30' is not a valid date");
        assertError(t, "{\"v\": 5}", "column s.t.v (varchar(5)) holds JSON VALUE_NUMBER_INT where a string was expected");
        assertError(t, "{\"id\": \"5\"}", "column s.t.id (int(11)) holds JSON VALUE_STRING where a number was expected");
        assertError(t, "{\"v\": {\"embedded\": true}}", "column s.t.v (varchar(5)) holds JSON START_OBJECT");
        assertError(t, "{\"id\": 9223372036854775808}", "column s.t.id (int(11))");
        assertError(t, "{\"u\": \"x\"}", "column s.t.u has type uuid, which trigger capture does not support");
    }

    private void assertError(TableDef t, String image, String... parts) {
        assertThatThrownBy(() -> decode(t, image)).isInstanceOf(ImageDecoder.ImageException.class).hasMessageContainingAll(parts);
    }
}
