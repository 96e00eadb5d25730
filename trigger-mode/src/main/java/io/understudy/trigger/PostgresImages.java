package io.understudy.trigger;

import io.understudy.catalog.TableDef;
import io.understudy.model.Row;
import java.util.List;

/**
 * Row images on PostgreSQL leaders: the capture trigger function writes {@code row_to_json(NEW/OLD)} under fixed
 * session settings (see the function in the leader migrations), and this class decodes it. Stateless and
 * thread-safe.
 */
final class PostgresImages implements ImageDecoder {
    /**
     * Why each column of {@code table} cannot be captured exactly, one message per column naming it and its type;
     * empty when every column can.
     */
    static List<String> unsupported(TableDef table) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Row decode(CaptureDefinition definition, String image) {
        throw new UnsupportedOperationException("not yet");
    }
}
