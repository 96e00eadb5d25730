package io.understudy.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a selected column value becomes its engine-independent canonical text (null stays null).
 * Temporal values are formatted by the database itself (see {@link ChecksumQuery}); numbers, floats,
 * binary and JSON are normalized here. Thread-safe.
 */
enum ValueKind {
    /** Integers, decimals, booleans (1/0), years: plain decimal without trailing zeros. */
    NUMBER,
    /** FLOAT/real: rounded to 6 significant digits, because a 4-byte float carries only ~7. */
    FLOAT,
    /** DOUBLE: rounded to 15 significant digits (DBL_DIG), because engines print doubles with 15 to 17. */
    DOUBLE,
    /** Strings, ISO-formatted temporals and bit strings: as-is. */
    TEXT,
    /** Binary and geometry (WKB): lower-case hex. */
    BINARY,
    /** JSON documents: parsed, object keys sorted, numbers without trailing zeros. */
    JSON;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    String read(ResultSet rs, int column) throws SQLException {
        if (this == BINARY) {
            byte[] bytes = rs.getBytes(column);
            return bytes == null ? null : HexFormat.of().formatHex(bytes);
        }
        String s = rs.getString(column);
        return s == null ? null : normalize(s);
    }

    String normalize(String s) {
        return switch (this) {
            case NUMBER -> decimal(s, null);
            case FLOAT -> decimal(s, new MathContext(6, RoundingMode.HALF_EVEN));
            case DOUBLE -> decimal(s, new MathContext(15, RoundingMode.HALF_EVEN));
            case JSON -> json(s);
            case TEXT, BINARY -> s;
        };
    }

    private static String decimal(String s, MathContext precision) {
        BigDecimal d;
        try {
            d = new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return s; // NaN, Infinity: compare as written
        }
        if (precision != null) {
            d = d.round(precision);
        }
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static String json(String s) {
        try {
            return MAPPER.writeValueAsString(canonical(MAPPER.readValue(s, Object.class)));
        } catch (JsonProcessingException e) {
            return s; // not JSON after all: compare the text
        }
    }

    private static Object canonical(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
            return sorted;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(ValueKind::canonical).toList();
        }
        if (node instanceof BigDecimal d) {
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        if (node instanceof Integer || node instanceof Long || node instanceof BigInteger) {
            return new BigDecimal(node.toString());
        }
        return node;
    }
}
