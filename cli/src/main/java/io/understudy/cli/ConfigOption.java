package io.understudy.cli;

import io.understudy.config.ConfigException;
import io.understudy.config.ConfigLoader;
import io.understudy.config.UnderstudyConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML configuration file (see docs/configuration.md).")
    Path file;

    UnderstudyConfig load() throws ConfigException {
        return new ConfigLoader(System.getenv()).load(file);
    }
}
