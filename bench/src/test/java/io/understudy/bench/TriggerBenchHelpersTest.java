package io.understudy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick checks of the trigger-overhead benchmark's pure helpers (no servers). */
class TriggerBenchHelpersTest {

    @Test
    void optionsDefaultQuickAndOverrides() {
        TriggerBenchOptions defaults = TriggerBenchOptions.parse();
        assertThat(defaults.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.rounds()).isEqualTo(2);
        assertThat(defaults.engines()).containsExactly("mariadb", "postgresql");
        TriggerBenchOptions quick = TriggerBenchOptions.parse("--quick", "--engines", "postgresql", "--mixes", "bulk");
        assertThat(quick.window()).isEqualTo(Duration.ofSeconds(3));
        assertThat(quick.rounds()).isEqualTo(1);
        assertThat(quick.engines()).containsExactly("postgresql");
        assertThat(quick.mixes()).containsExactly("bulk");
        assertThatThrownBy(() -> TriggerBenchOptions.parse("--engines", "mysql")).hasMessageContaining("--engines");
        assertThatThrownBy(() -> TriggerBenchOptions.parse("--rounds", "0")).hasMessageContaining("--rounds");
        assertThatThrownBy(() -> TriggerBenchOptions.parse("--bogus", "1")).hasMessageContaining("unknown option --bogus");
    }

    @Test
    void latencyPercentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = (i + 1) * 1_000_000L;
        }
        TimedRunner.Result r = new TimedRunner.Result(100, 500, 2.0, 0, sorted);
        assertThat(r.percentileMs(50)).isEqualTo(50.0);
        assertThat(r.percentileMs(99)).isEqualTo(99.0);
        assertThat(r.txPerSecond()).isEqualTo(50.0);
        assertThat(TimedRunner.Result.percentileMs(new long[0], 50)).isNaN();
    }

    @Test
    void ratiosPairEachRoundWithItsOwnNoTriggerWindow(@TempDir Path dir) throws Exception {
        TriggerResults results = new TriggerResults();
        results.add(window(1, TriggerResults.NONE, 1000, "-"));
        results.add(window(1, TriggerResults.TRIGGERS, 800, "-"));
        results.add(window(2, TriggerResults.TRIGGERS, 300, "-"));
        results.add(window(2, TriggerResults.NONE, 500, "-"));
        results.add(window(2, TriggerResults.DAEMON, 250, "equal (10 rows)"));
        List<TriggerResults.Summary> summaries = results.summaries();
        assertThat(summaries).extracting(TriggerResults.Summary::setup)
                .containsExactly(TriggerResults.NONE, TriggerResults.TRIGGERS, TriggerResults.DAEMON);
        TriggerResults.Summary triggers = summaries.get(1);
        assertThat(triggers.txPerSecond()).isEqualTo(550.0);
        assertThat(triggers.ratio()).isCloseTo(0.7, org.assertj.core.api.Assertions.within(1e-9)); // (0.8 + 0.6) / 2
        assertThat(summaries.get(2).ratio()).isEqualTo(0.5);
        assertThat(summaries.get(2).check()).isEqualTo("equal");
        assertThat(results.allChecksEqual()).isTrue();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        results.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("xNO_TRIGGERS").contains("0.70 (0.60-0.80)");
        Path csv = dir.resolve("t.csv");
        results.writeCsv(csv);
        assertThat(Files.readAllLines(csv)).hasSize(1 + 5 + 3);

        results.add(window(3, TriggerResults.DAEMON, 250, "DIFFERENT: sbtest1 5/4 rows"));
        assertThat(results.allChecksEqual()).isFalse();
    }

    private static TriggerResults.Measurement window(int round, String setup, long transactions, String check) {
        TimedRunner.Result r = new TimedRunner.Result(transactions, transactions * 5, 1.0, 0, new long[] {1_000_000L});
        return new TriggerResults.Measurement(round, "mariadb", "oltp", setup, r, new double[] {1.0, 1.5}, 0.5, 0, 0, 0.1,
                new long[] {-1, -1}, Double.NaN, check);
    }
}
