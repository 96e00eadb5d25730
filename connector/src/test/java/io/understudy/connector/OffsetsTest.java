package io.understudy.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OffsetsTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void formatWritesWhatJacksonWritesForSortedKeys() throws Exception {
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("transaction_id", "0-1-15");
        end.put("file", "mysql-bin.000001");
        end.put("pos", 4191L);
        end.put("gtids", "0-1-14,1-2-7");
        end.put("event", 3);
        end.put("row", 1);
        end.put("snapshot", true);
        end.put("ts_sec", null);
        Map<String, Object> odd = new LinkedHashMap<>(end);
        odd.put("file", "bin\"log\\\tfile-é");
        odd.put("weird", List.of(1, 2));
        for (Map<String, Object> offset : List.of(end, odd, Map.<String, Object>of())) {
            assertThat(Offsets.format(offset)).isEqualTo(JACKSON.writeValueAsString(new TreeMap<>(offset)));
            assertThat(Offsets.format(offset).isEmpty() || JACKSON.readTree(Offsets.format(offset)).isObject()).isTrue();
        }
    }
}
