package io.understudy.connector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForeignKeyRulesTest {
    private static final String CREATE = String.join("\n",
            "CREATE TABLE `child` (",
            "  `id` int(11) NOT NULL,",
            "  `p` int(11) DEFAULT NULL,",
            "  `q` int(11) DEFAULT NULL,",
            "  PRIMARY KEY (`id`),",
            "  CONSTRAINT `fk_p` FOREIGN KEY (`p`) REFERENCES `parent` (`id`) ON UPDATE CASCADE,",
            "  CONSTRAINT `fk_q` FOREIGN KEY (`q`) REFERENCES `parent` (`id`) ON DELETE SET NULL ON UPDATE NO ACTION,",
            "  CONSTRAINT `fk_plain` FOREIGN KEY (`q`) REFERENCES `other` (`id`)",
            ") ENGINE=InnoDB");

    @Test
    void readsEachRuleAndDefaultsToRestrict() {
        assertThat(ForeignKeyRules.of(CREATE, "fk_p")).isEqualTo(new ForeignKeyRules("RESTRICT", "CASCADE"));
        assertThat(ForeignKeyRules.of(CREATE, "fk_q")).isEqualTo(new ForeignKeyRules("SET NULL", "NO ACTION"));
        assertThat(ForeignKeyRules.of(CREATE, "fk_plain")).isEqualTo(new ForeignKeyRules("RESTRICT", "RESTRICT"));
        assertThat(ForeignKeyRules.of(CREATE, "missing")).isEqualTo(new ForeignKeyRules("RESTRICT", "RESTRICT"));
    }

    @Test
    void cascadingNamesTheFirstRuleThatChangesChildRows() {
        assertThat(ForeignKeyRules.of(CREATE, "fk_p").cascading()).isEqualTo("ON UPDATE CASCADE");
        assertThat(ForeignKeyRules.of(CREATE, "fk_q").cascading()).isEqualTo("ON DELETE SET NULL");
        assertThat(ForeignKeyRules.of(CREATE, "fk_plain").cascading()).isNull();
    }
}
