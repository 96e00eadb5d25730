package io.understudy.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.config.CaptureConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GtidsTest {
    @Test
    void mariaDbReplacesTheDomainEntry() {
        assertThat(Gtids.plus("0-1-19,1-2-5", "0-1-20")).isEqualTo("0-1-20,1-2-5");
        assertThat(Gtids.plus("1-2-5", "0-1-20")).isEqualTo("1-2-5,0-1-20");
        assertThat(Gtids.plus(null, "0-1-1")).isEqualTo("0-1-1");
        assertThat(Gtids.plus("0-1-19,0-2-7,1-2-5", "0-1-20")).isEqualTo("0-1-20,1-2-5");
    }

    @Test
    void mySqlAddsAnInterval() {
        assertThat(Gtids.plus("abc:1-19", "abc:20")).isEqualTo("abc:1-19:20-20");
        assertThat(Gtids.plus("abc:1-19", "def:3")).isEqualTo("abc:1-19,def:3-3");
    }

    @Test
    void positionsRoundTrip() {
        var position = Offsets.position(Map.of("file", "mysql-bin.000002", "pos", 4711, "gtids", "0-1-41", "transaction_id", "0-1-42"));
        assertThat(BinlogChangeSource.decode(position.encode())).isEqualTo(position);
        assertThat(position.describe()).isEqualTo("mysql-bin.000002:4711 gtid 0-1-42");
    }

    @Test
    void includeListFoldsExclusionsIntoLookaheads() {
        CaptureConfig config = Capture.config(List.of("shop.*", "crm.users"), List.of("shop.tmp_*"), Map.of());
        String list = EngineProperties.includeList(config.filter().includePatterns(), config.filter().excludePatterns());
        String[] regexes = list.split(",");
        assertThat("shop.orders").matches(regexes[0]);
        assertThat("shop.tmp_x").doesNotMatch(regexes[0]);
        assertThat("crm.users").matches(regexes[1]);
        assertThat("crmXusers").doesNotMatch(regexes[1]);
    }
}
