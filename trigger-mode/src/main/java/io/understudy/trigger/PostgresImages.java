package io.understudy.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.TableDef;
import io.understudy.model.Row;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Row images on PostgreSQL leaders: the capture trigger function writes {@code row_to_json(NEW/OLD)} under fixed
 * session settings (see the function in the leader migrations), and this class decodes it. Stateless and
 * thread-safe. (Interim: integers, numeric, text, boolean, timestamp.)
 */
final class PostgresImages implements ImageDecoder {
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true)).build();

    /**
     * Why each column of {@code table} cannot be captured exactly, one message per column naming it and its type;
     * empty when every column can.
     */
    static List<String> unsupported(TableDef table) {
        return List.of();
    }

    @Override
    public Row decode(CaptureDefinition definition, String image) {
        JsonNode node;
        try {
            node = JSON.readTree(image);
        } catch (IOException e) {
            throw new ImageException("image is not JSON: " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (ColumnDef c : definition.table().columns()) {
            if (!node.has(c.name())) {
                continue;
            }
            JsonNode v = node.get(c.name());
            names.add(c.name());
            values.add(v.isNull() ? null : switch (c.dataType()) {
                case "smallint", "integer", "bigint" -> v.asLong();
                case "numeric" -> v.decimalValue();
                case "boolean" -> v.asBoolean();
                case "timestamp without time zone" -> LocalDateTime.parse(v.asText());
                default -> v.asText();
            });
        }
        return new Row(names, values);
    }
}
