package io.understudy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quick checks of the apply benchmark's pure helpers (no servers). */
class BenchHelpersTest {

    @Test
    void optionsDefaultQuickAndOverrides() {
        BenchOptions defaults = BenchOptions.parse();
        assertThat(defaults.workload()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.lag()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.threads()).isEqualTo(4);
        BenchOptions quick = BenchOptions.parse("--quick", "--lag-seconds", "5", "--lag-rate", "500");
        assertThat(quick.workload()).isEqualTo(Duration.ofSeconds(10));
        assertThat(quick.lag()).isEqualTo(Duration.ofSeconds(5));
        assertThat(quick.lagRate()).isEqualTo(500);
        assertThat(defaults.warmUp()).isEqualTo(Duration.ofSeconds(20));
        assertThat(quick.warmUp()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.runs("postgresql-warm")).isTrue();
        BenchOptions warmOnly = BenchOptions.parse("--consumers", "mariadb-warm", "--warm-up-seconds", "5");
        assertThat(warmOnly.feeds("mariadb")).isTrue();
        assertThat(warmOnly.runs("mariadb")).isFalse();
        assertThat(warmOnly.feeds("postgresql")).isFalse();
        assertThat(warmOnly.warmUp()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.durability()).isEqualTo(Durability.DEFAULT);
        assertThat(BenchOptions.parse("--durability", "relaxed").durability()).isEqualTo(Durability.RELAXED);
        assertThatThrownBy(() -> BenchOptions.parse("--durability", "fast")).hasMessageContaining("default or relaxed");
        assertThatThrownBy(() -> BenchOptions.parse("--bogus", "1")).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> BenchOptions.parse("--rows-per-table", "1500")).hasMessageContaining("multiple of 1000");
    }

    @Test
    void percentilesAreNearestRank() {
        List<Heartbeat.Sample> samples = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            samples.add(new Heartbeat.Sample(i, i));
        }
        Heartbeat.Stats stats = Heartbeat.Stats.of(samples);
        assertThat(stats.p50()).isEqualTo(50);
        assertThat(stats.p99()).isEqualTo(99);
        assertThat(stats.max()).isEqualTo(100);
        assertThat(Heartbeat.Stats.of(List.of()).p50()).isNaN();
    }

    @Test
    void rowValuesFillTheirCharColumnsWithoutTrailingSpaces() {
        for (long id : new long[] {1, 42, 99_999_999L}) {
            assertThat(BenchRows.c(id)).hasSize(120).doesNotEndWith(" ");
            assertThat(BenchRows.pad(id)).hasSize(60).doesNotEndWith(" ");
            assertThat(BenchRows.k(id)).isBetween(0, 99_999);
        }
        assertThat(BenchRows.multiRowInsert("t", 3)).isEqualTo("INSERT INTO t (id, k, c, pad) VALUES (?,?,?,?),(?,?,?,?),(?,?,?,?)");
    }
}
