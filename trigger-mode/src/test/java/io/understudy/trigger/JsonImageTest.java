package io.understudy.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonImageTest {
    @Test
    void keepsEachValuesSourceTextAndUnescapesStrings() {
        Map<String, JsonImage.Value> m = JsonImage.members("{\"a\":1.500,\"b\":\"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\","
                + "\"j\": {\"k\": \"}]\\\"\", \"l\": [1, {}]} ,\"n\":null,\"t\":true,\"f\":false,\"e\":-1e-3,"
                + "\"q\\\"name\":[]}");
        assertThat(m.keySet()).containsExactly("a", "b", "j", "n", "t", "f", "e", "q\"name");
        assertThat(m.get("a")).isEqualTo(new JsonImage.Value(JsonImage.Kind.NUMBER, "1.500", "1.500"));
        assertThat(m.get("b").kind()).isEqualTo(JsonImage.Kind.STRING);
        assertThat(m.get("b").text()).isEqualTo("x\"y\\z\né😀");
        assertThat(m.get("j").kind()).isEqualTo(JsonImage.Kind.OBJECT);
        assertThat(m.get("j").raw()).isEqualTo(" {\"k\": \"}]\\\"\", \"l\": [1, {}]} ");
        assertThat(m.get("n").kind()).isEqualTo(JsonImage.Kind.NULL);
        assertThat(m.get("t").kind()).isEqualTo(JsonImage.Kind.TRUE);
        assertThat(m.get("f").kind()).isEqualTo(JsonImage.Kind.FALSE);
        assertThat(m.get("e").text()).isEqualTo("-1e-3");
        assertThat(m.get("q\"name").kind()).isEqualTo(JsonImage.Kind.ARRAY);
        assertThat(JsonImage.members(" { } ")).isEmpty();
    }

    @Test
    void handlesValuesBeyondLibraryLimits() {
        String digits = "9".repeat(5_000);
        String text = "x".repeat(25_000_000);
        Map<String, JsonImage.Value> m = JsonImage.members("{\"n\":" + digits + ".5,\"t\":\"" + text + "\"}");
        assertThat(m.get("n").text()).hasSize(5_002);
        assertThat(m.get("t").text()).hasSize(25_000_000);
    }

    @Test
    void refusesWhatIsNotOneFlatObject() {
        for (String bad : new String[] {"", "[]", "{\"a\":1", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":tru}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"open}"}) {
            assertThatThrownBy(() -> JsonImage.members(bad)).as(bad).isInstanceOf(ImageDecoder.ImageException.class);
        }
        assertThatThrownBy(() -> JsonImage.members(null)).isInstanceOf(ImageDecoder.ImageException.class)
                .hasMessageContaining("missing");
    }
}
