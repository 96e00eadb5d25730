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
import java.util.stream.Collectors;

/**
 * Row images on MariaDB/MySQL leaders: the SQL expression a capture trigger evaluates to write the JSON image of
 * {@code NEW} or {@code OLD}, and its decoding. Stateless and thread-safe. (Interim: integers, decimal, text,
 * datetime.)
 */
final class MySqlImages implements ImageDecoder {
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true)).build();

    static List<String> unsupported(TableDef table) {
        return List.of();
    }

    static String imageSql(TableDef table, String alias) {
        return table.columns().stream()
                .map(c -> "'" + c.name().replace("'", "''") + "', " + alias + ".`" + c.name().replace("`", "``") + "`")
                .collect(Collectors.joining(", ", "JSON_OBJECT(", ")"));
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
                case "tinyint", "smallint", "mediumint", "int", "bigint" -> v.asLong();
                case "decimal" -> v.decimalValue();
                case "datetime" -> LocalDateTime.parse(v.asText().replace(' ', 'T'));
                default -> v.asText();
            });
        }
        return new Row(names, values);
    }
}
