package io.understudy.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.model.TableId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    private static final TableId T = new TableId("shop", "orders");

    @Test
    void lineShowsRowsRateAndEta() {
        assertThat(ProgressDisplay.line(T, 5_000, 0, 20_000, 2.0, false))
                .contains("shop.orders").contains("5,000/~20,000 rows").contains("2,500 rows/s").contains("ETA 6 s");
        assertThat(ProgressDisplay.line(T, 20_000, 0, 20_000, 4.0, true)).endsWith("done");
        assertThat(ProgressDisplay.line(T, 10, 0, 0, 0, false)).contains("10 rows").contains("ETA ?");
        // a resumed table's rate counts only this run's rows
        assertThat(ProgressDisplay.line(T, 15_000, 10_000, 20_000, 1.0, false)).contains("5,000 rows/s").contains("ETA 1 s");
    }

    @Test
    void onATerminalRedrawsOneLinePerTableInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressDisplay display = new ProgressDisplay(out, true)) {
            display.started(T, 1_000, 0, false);
            display.started(new TableId("shop", "items"), 50, 0, false);
            display.chunk(T, 500, 10_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> bytes.toString(StandardCharsets.UTF_8).contains("500/~1,000"));
            display.done(T, 1_000);
        }
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("\r\033[2K").contains("shop.items").contains("\033[2A"); // back up two lines, redraw
        assertThat(shown.substring(shown.lastIndexOf("\033[2A"))).contains("1,000/~1,000 rows").contains("done");
    }

    @Test
    void withoutATerminalWritesNothingToTheConsole() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressDisplay display = new ProgressDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            display.started(T, 1_000, 0, false);
            display.chunk(T, 500, 10_000);
        }
        assertThat(bytes.size()).as("plain log lines go to the log, not to the console").isZero();
    }
}
