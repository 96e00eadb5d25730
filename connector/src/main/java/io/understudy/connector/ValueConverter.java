package io.understudy.connector;

import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import io.understudy.model.Json;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts one Debezium column value (with the engine settings of {@link EngineProperties}) to the Java
 * types of {@link io.understudy.model.Row}. Stateless and thread-safe.
 */
final class ValueConverter {
    /** Schema parameter added by {@code column.propagate.source.type}. */
    static final String SOURCE_TYPE = "__debezium.source.column.type";

    private ValueConverter() {
    }

    /** Thrown for a value this converter does not know; the caller adds table, column and position. */
    static final class UnsupportedValueException extends Exception {
        UnsupportedValueException(String message) {
            super(message);
        }
    }

    static Object convert(Schema schema, Object value) throws UnsupportedValueException {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            Object logical = logical(name, schema, value);
            if (logical != null) {
                return logical;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> ((Number) value).longValue();
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            case BOOLEAN -> (Boolean) value;
            case STRING -> (String) value;
            case BYTES -> bytes(value);
            default -> throw unsupported(schema);
        };
    }

    private static Object logical(String name, Schema schema, Object value) throws UnsupportedValueException {
        return switch (name) {
            case "org.apache.kafka.connect.data.Decimal" -> decimal(schema, (BigDecimal) value);
            case "io.debezium.time.Date" -> LocalDate.ofEpochDay(((Number) value).longValue());
            case "io.debezium.time.Time" -> Duration.ofMillis(((Number) value).longValue());
            case "io.debezium.time.MicroTime" -> micros(((Number) value).longValue());
            case "io.debezium.time.NanoTime" -> Duration.ofNanos(((Number) value).longValue());
            case "io.debezium.time.Timestamp" -> localDateTime(Math.multiplyExact(((Number) value).longValue(), 1000L));
            case "io.debezium.time.MicroTimestamp" -> localDateTime(((Number) value).longValue());
            case "io.debezium.time.ZonedTimestamp" -> Instant.parse((String) value);
            case "io.debezium.time.Year" -> ((Number) value).longValue();
            case "io.debezium.data.Json" -> new Json((String) value);
            case "io.debezium.data.Enum", "io.debezium.data.EnumSet" -> (String) value;
            case "io.debezium.data.Bits" -> bits(schema, bytes(value));
            case "io.debezium.data.geometry.Geometry", "io.debezium.data.geometry.Point" -> geometry((Struct) value);
            default -> {
                if (name.startsWith("io.debezium.") || name.startsWith("org.apache.kafka.connect.data.")) {
                    throw unsupported(schema);
                }
                yield null;
            }
        };
    }

    private static Object decimal(Schema schema, BigDecimal value) {
        String sourceType = schema.parameters() == null ? null : schema.parameters().get(SOURCE_TYPE);
        if (sourceType != null && sourceType.toUpperCase(Locale.ROOT).startsWith("BIGINT")) {
            return value.toBigIntegerExact(); // BIGINT UNSIGNED in precise mode
        }
        return value;
    }

    private static Duration micros(long micros) {
        return Duration.ofSeconds(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static LocalDateTime localDateTime(long epochMicros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                (int) (Math.floorMod(epochMicros, 1_000_000L) * 1000L), ZoneOffset.UTC);
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        return ((byte[]) value).clone();
    }

    /** Debezium sends BIT(n) as little-endian bytes; the model wants n characters, most significant first. */
    private static Bits bits(Schema schema, byte[] littleEndian) {
        String lengthParam = schema.parameters() == null ? null : schema.parameters().get("length");
        int length = lengthParam == null ? littleEndian.length * 8 : Integer.parseInt(lengthParam);
        StringBuilder sb = new StringBuilder(length);
        for (int bit = length - 1; bit >= 0; bit--) {
            int index = bit / 8;
            boolean set = index < littleEndian.length && (littleEndian[index] >> (bit % 8) & 1) == 1;
            sb.append(set ? '1' : '0');
        }
        return new Bits(sb.toString());
    }

    private static Geometry geometry(Struct struct) {
        Object srid = struct.get("srid");
        return new Geometry(bytes(struct.get("wkb")), srid == null ? 0 : ((Number) srid).intValue());
    }

    private static UnsupportedValueException unsupported(Schema schema) {
        return new UnsupportedValueException("unsupported type " + schema.type() + " with schema name " + schema.name()
                + (schema.parameters() == null ? "" : " " + schema.parameters()));
    }

}
