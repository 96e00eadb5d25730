package io.understudy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module dependencies pointing one way (docs/architecture.md, "Modules"): the main code of each module
 * names only the packages of the modules listed for it. Capture (connector, trigger-mode) and apply (applier)
 * meet only in the model; the CLI wires them. Reads the source tree, so it runs from the cli module's directory.
 */
class LayeringTest {
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.understudy\\.(\\w+)\\.");

    /** Module directory → the packages (below io.understudy) its main code may name besides its own. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "model", Set.of(),
            "config", Set.of("model"),
            "servers", Set.of(),
            "catalog", Set.of("model", "config"),
            "connector", Set.of("model", "config"),
            "trigger-mode", Set.of("model", "config", "catalog"),
            "applier", Set.of("model", "config", "catalog"),
            "snapshot", Set.of("model", "config", "catalog", "applier", "connector", "trigger"),
            "client", Set.of("model"));

    /** The package of each module (trigger-mode's is io.understudy.trigger). */
    private static final Map<String, String> OWN = Map.of("trigger-mode", "trigger");

    @Test
    void mainCodeNamesOnlyTheModulesBelowIt() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> module : ALLOWED.entrySet()) {
            Path sources = root.resolve(module.getKey()).resolve("src/main/java");
            assertThat(sources).as("sources of module %s", module.getKey()).isDirectory();
            String own = OWN.getOrDefault(module.getKey(), module.getKey());
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = REFERENCE.matcher(Files.readString(file));
                    while (m.find()) {
                        String target = m.group(1);
                        if (!target.equals(own) && !module.getValue().contains(target)) {
                            violations.add(root.relativize(file) + " names io.understudy." + target);
                        }
                    }
                }
            }
        }
        assertThat(violations).as("references against the layering").isEmpty();
    }
}
