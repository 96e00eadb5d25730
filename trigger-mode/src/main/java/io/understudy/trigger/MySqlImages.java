package io.understudy.trigger;

import io.understudy.catalog.TableDef;
import io.understudy.model.Row;
import java.util.List;

/**
 * Row images on MariaDB/MySQL leaders: the SQL expression a capture trigger evaluates to write the JSON image of
 * {@code NEW} or {@code OLD}, and its decoding. Every value is written so that it reads back exactly (a FLOAT as
 * the DOUBLE it widens to, binary as hex, TIMESTAMP as epoch seconds independent of the session time zone, ...).
 * Stateless and thread-safe.
 */
final class MySqlImages implements ImageDecoder {
    /**
     * Why each column of {@code table} cannot be captured exactly, one message per column naming it and its type;
     * empty when every column can.
     */
    static List<String> unsupported(TableDef table) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The SQL expression that a trigger on {@code table} evaluates to the JSON text of the row image.
     *
     * @param alias {@code NEW} or {@code OLD}
     */
    static String imageSql(TableDef table, String alias) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Row decode(CaptureDefinition definition, String image) {
        throw new UnsupportedOperationException("not yet");
    }
}
