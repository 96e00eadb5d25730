package io.understudy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.model.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableFilterTest {
    @Test
    void wildcardMatchesWithinOnePartOnly() {
        TableFilter filter = new TableFilter(List.of("shop.*", "*.audit_*"), List.of());
        assertThat(filter.includes(new TableId("shop", "orders"))).isTrue();
        assertThat(filter.includes(new TableId("crm", "audit_log"))).isTrue();
        assertThat(filter.includes(new TableId("crm", "log"))).isFalse();
        assertThat(filter.includes(new TableId("shopping", "orders"))).isFalse();
    }

    @Test
    void excludeWinsOverInclude() {
        TableFilter filter = new TableFilter(List.of("shop.*"), List.of("shop.audit_log", "shop.tmp_*"));
        assertThat(filter.includes(new TableId("shop", "orders"))).isTrue();
        assertThat(filter.includes(new TableId("shop", "audit_log"))).isFalse();
        assertThat(filter.includes(new TableId("shop", "tmp_import"))).isFalse();
    }

    @Test
    void matchingIsLiteralAndCaseSensitiveApartFromTheWildcard() {
        TableFilter filter = new TableFilter(List.of("shop.order_s", "a+b.c"), List.of());
        assertThat(filter.includes(new TableId("shop", "order_s"))).isTrue();
        assertThat(filter.includes(new TableId("shop", "orderXs"))).isFalse();
        assertThat(filter.includes(new TableId("Shop", "order_s"))).isFalse();
        assertThat(filter.includes(new TableId("a+b", "c"))).isTrue();
        assertThat(filter.includes(new TableId("aab", "c"))).isFalse();
    }

    @Test
    void literalSchemasOnlyWhenNoSchemaWildcard() {
        assertThat(new TableFilter(List.of("shop.*", "crm.users", "shop.x"), List.of()).literalSchemas())
                .containsExactly("shop", "crm");
        assertThat(new TableFilter(List.of("shop.*", "*.audit"), List.of()).literalSchemas()).isEmpty();
    }
}
