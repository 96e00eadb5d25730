package io.understudy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
    private final EnvSubstitution env = new EnvSubstitution(Map.of("A", "1", "EMPTY", ""));

    @Test
    void substitutesAnywhereInTheText() {
        assertThat(env.apply("x${A}y${A}").value()).isEqualTo("x1y1");
        assertThat(env.apply("no variables").value()).isEqualTo("no variables");
    }

    @Test
    void explicitDefaultsOnlyWhenUnset() {
        assertThat(env.apply("${B:-dflt}").value()).isEqualTo("dflt");
        assertThat(env.apply("${B:-}").value()).isEmpty();
        assertThat(env.apply("${EMPTY:-dflt}").value()).isEmpty();
    }

    @Test
    void unsetUnterminatedAndInvalidAreErrors() {
        assertThat(env.apply("${B}").error()).startsWith("environment variable B is not set");
        assertThat(env.apply("pa${ss").error()).startsWith("unterminated '${'");
        assertThat(env.apply("${1x}").error()).doesNotContain("1x");
    }

    @Test
    void doubleDollarEscapesALiteral() {
        assertThat(env.apply("$${A}").value()).isEqualTo("${A}");
        assertThat(env.apply("a$b").value()).isEqualTo("a$b");
    }
}
