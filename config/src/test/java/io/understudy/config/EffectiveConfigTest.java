package io.understudy.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

class EffectiveConfigTest {
    @Test
    void rendersEveryValueWithSecretsMasked() throws Exception {
        UnderstudyConfig config = ConfigLoaderTest.parse(ConfigLoaderTest.FULL);

        String text = ConfigLoader.effective(config);

        assertThat(text).doesNotContain("leader-s3cret").doesNotContain("pg-s3cret").contains("password: '****'");
        assertThat(config.describe()).isEqualTo(text);
        JsonNode tree = new YAMLMapper().readTree(text);
        assertThat(tree.at("/leader/url").asText()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/shop");
        assertThat(tree.at("/leader/password").asText()).isEqualTo("****");
        assertThat(tree.at("/capture/tables/0").asText()).isEqualTo("shop.*");
        assertThat(tree.at("/capture/keys/shop.events/1").asText()).isEqualTo("ts");
        assertThat(tree.at("/capture/server-id").asInt()).isEqualTo(54001);
        assertThat(tree.at("/followers/1/name").asText()).isEqualTo("replica2");
        assertThat(tree.at("/followers/1/password").asText()).isEqualTo("****");
        assertThat(tree.at("/http/port").asInt()).isEqualTo(9464);
    }

    @Test
    void marksDefaults() throws Exception {
        String yaml = ConfigLoaderTest.FULL.replace(", server-id: 54001", "")
                .replace("http:      { port: 9464, bind: 127.0.0.1 }\n", "");
        String text = ConfigLoaderTest.parse(yaml).describe();
        assertThat(text).containsPattern("server-id: \\d+  # default, derived from leader host:port and follower names")
                .contains("port: 0  # disabled (the default when the http section is absent)");
    }

    @Test
    void quotesValuesThatWouldNotReadBackAsTheSameString() {
        assertThat(EffectiveConfig.scalar("*.audit")).isEqualTo("'*.audit'");
        assertThat(EffectiveConfig.scalar("yes")).isEqualTo("'yes'");
        assertThat(EffectiveConfig.scalar("0123")).isEqualTo("'0123'");
        assertThat(EffectiveConfig.scalar("it's")).isEqualTo("'it''s'");
        assertThat(EffectiveConfig.scalar("1.5e3")).isEqualTo("'1.5e3'");
        assertThat(EffectiveConfig.scalar("12:30")).isEqualTo("'12:30'");
        assertThat(EffectiveConfig.scalar("shop.orders")).isEqualTo("shop.orders");
        assertThat(EffectiveConfig.scalar("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(EffectiveConfig.scalar("a:")).isEqualTo("'a:'");
        assertThat(EffectiveConfig.scalar("jdbc:mariadb://h:1/d?x=y&z=1")).isEqualTo("jdbc:mariadb://h:1/d?x=y&z=1");
    }
}
