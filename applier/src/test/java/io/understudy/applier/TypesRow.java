package io.understudy.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import io.understudy.model.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code types} test table: leader values in, normalised follower values out. */
record TypesRow(long i, BigDecimal big, BigDecimal amount, float f, double dbl, boolean flag, String s, String txt,
                byte[] bin, LocalDate date, LocalDateTime local, BigDecimal tsEpoch, String tm, String doc,
                String bits, byte[] geo, boolean allNull) {
    static final List<String> COLUMNS = List.of("id", "i", "big", "amount", "f", "dbl", "flag", "s", "txt", "bin",
            "dt_date", "dt_local", "ts", "tm", "doc", "bits", "geo");
    static final Instant TS = Instant.parse("2024-01-02T03:04:05.500Z");
    static final byte[] POINT = ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 1).putInt(1).putDouble(1.0).putDouble(2.0).array();

    static Map<String, Object> sample(long id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("i", 42L);
        m.put("big", new BigInteger("18446744073709551615"));
        m.put("amount", new BigDecimal("12.34"));
        m.put("f", 1.5f);
        m.put("dbl", 2.25d);
        m.put("flag", true);
        m.put("s", "héllo wörld");
        m.put("txt", "a longer text");
        m.put("bin", new byte[] {1, 2, 3, (byte) 0xff});
        m.put("dt_date", LocalDate.of(2024, 2, 29));
        m.put("dt_local", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000));
        m.put("ts", TS);
        m.put("tm", Duration.ofHours(10).plusMinutes(11).plusSeconds(12).plusMillis(500));
        m.put("doc", new Json("{\"a\": 1}"));
        m.put("bits", new Bits("10100101"));
        m.put("geo", new Geometry(POINT, 0));
        return m;
    }

    static Map<String, Object> nulls(long id) {
        Map<String, Object> m = new LinkedHashMap<>();
        COLUMNS.forEach(c -> m.put(c, null));
        m.put("id", id);
        return m;
    }

    static TypesRow read(ResultSet rs) throws SQLException {
        return new TypesRow(rs.getLong("i"), rs.getBigDecimal("big"), rs.getBigDecimal("amount"), rs.getFloat("f"),
                rs.getDouble("dbl"), rs.getBoolean("flag"), rs.getString("s"), rs.getString("txt"), rs.getBytes("bin"),
                rs.getObject("dt_date", LocalDate.class), rs.getObject("dt_local", LocalDateTime.class),
                rs.getBigDecimal("ts_epoch"), rs.getString("tm"), rs.getString("doc"), rs.getString("bits"),
                rs.getBytes("geo"), rs.getObject("i") == null && rs.getObject("doc") == null && rs.getObject("geo") == null);
    }

    void assertSample() {
        assertThat(i).isEqualTo(42);
        assertThat(big).isEqualByComparingTo("18446744073709551615");
        assertThat(amount).isEqualByComparingTo("12.34");
        assertThat(f).isEqualTo(1.5f);
        assertThat(dbl).isEqualTo(2.25d);
        assertThat(flag).isTrue();
        assertThat(s).isEqualTo("héllo wörld");
        assertThat(txt).isEqualTo("a longer text");
        assertThat(bin).containsExactly(1, 2, 3, 0xff);
        assertThat(date).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(local).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000));
        assertThat(tsEpoch).isEqualByComparingTo(BigDecimal.valueOf(TS.toEpochMilli(), 3));
        assertThat(tm).startsWith("10:11:12.5");
        assertThat(doc).isEqualTo("{\"a\": 1}");
        assertThat(bits).isEqualTo("10100101");
        assertThat(geo).isEqualTo(POINT);
    }

    void assertNulls() {
        assertThat(allNull).isTrue();
        assertThat(s).isNull();
        assertThat(tsEpoch).isNull();
    }
}
