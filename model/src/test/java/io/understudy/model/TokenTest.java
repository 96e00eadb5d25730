package io.understudy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenTest {
    private static final String UUID = "3E11FA47-71CA-11E1-9E33-C80AA9429562";

    private static Token applied(String executed) {
        return Token.of(new BinlogPosition("bin.000001", 4, "", executed, "{}"), 1).orElseThrow();
    }

    @Test
    void aMariaDbGtidIsCoveredPerDomainWhateverTheServerId() {
        Token t = Token.parse("0-1-42");
        assertThat(t.coveredBy(applied("0-1-42"))).isTrue();
        assertThat(t.coveredBy(applied("0-2-43,1-1-7"))).isTrue();
        assertThat(t.coveredBy(applied("0-1-41,1-1-70"))).isFalse();
        assertThat(t.coveredBy(applied("1-1-70"))).isFalse();
        assertThat(Token.parse("0-1-42,1-1-8").coveredBy(applied("0-1-50,1-1-7"))).isFalse();
        assertThat(t.behind(applied("0-1-40"))).isEqualTo(2);
    }

    @Test
    void aMySqlGtidSetIsCoveredByTheHighestNumberOfItsUuid() {
        Token t = Token.parse(UUID + ":1-42");
        assertThat(t.coveredBy(applied(UUID.toLowerCase() + ":1-50"))).isTrue();
        assertThat(t.coveredBy(applied(UUID + ":1-41"))).isFalse();
        assertThat(Token.parse(UUID + ":1-5:7-9").coveredBy(applied(UUID + ":1-8"))).isFalse();
        assertThat(Token.parse(UUID + ":1-5:7").toString()).isEqualTo("e1/" + UUID.toLowerCase() + ":7");
    }

    @Test
    void ticksEpochsAndTheCanonicalForm() {
        Token tick = Token.parse("e1/tick:812");
        assertThat(tick.coveredBy(Token.of(new TickPosition(812, "a"), 1).orElseThrow())).isTrue();
        assertThat(tick.coveredBy(Token.of(new TickPosition(811, "a"), 1).orElseThrow())).isFalse();
        assertThat(tick.coveredBy(Token.of(new TickPosition(900, "a"), 2).orElseThrow())).as("another epoch").isFalse();
        assertThat(tick.coveredBy(applied("0-1-900"))).isFalse();
        assertThat(Token.parse("0-1-42,1-3-7").toString()).isEqualTo("e1/0-0-42,1-0-7");
        assertThat(Token.parse(Token.parse("e3/0-1-42").toString())).isEqualTo(Token.parse("e3/0-7-42"));
        assertThat(Token.of(new BinlogPosition("bin.000001", 4, "", "", "{}"), 1)).isEmpty();
    }

    @Test
    void maxMovesForwardOnly() {
        assertThat(Token.parse("0-1-42,1-1-3").max(Token.parse("0-1-40,2-1-5"))).isEqualTo(Token.parse("0-1-42,1-1-3,2-1-5"));
        assertThat(Token.parse("e1/0-1-42").max(Token.parse("e2/0-1-3"))).isEqualTo(Token.parse("e2/0-1-3"));
        assertThat(Token.parse("tick:5").max(Token.parse("tick:4"))).isEqualTo(Token.parse("tick:5"));
    }

    @Test
    void malformedTokensSayWhatATokenIs() {
        for (String bad : new String[] {"", "0-1", "x/0-1-2", "e0/0-1-2", "tick:x", "0-1-a", "abc:5", "e1/"}) {
            assertThatThrownBy(() -> Token.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not an Understudy token").hasMessageContaining("MariaDB GTID list");
        }
    }
}
