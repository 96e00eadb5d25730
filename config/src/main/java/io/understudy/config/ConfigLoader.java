package io.understudy.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an Understudy YAML configuration, substitutes {@code ${VAR}} from the environment given to the constructor,
 * reads password files and validates everything, reporting all problems at once with file and line (see
 * docs/configuration.md for every key). Unknown keys are rejected. No value is defaulted silently: defaults are
 * documented and visible in {@link #effective(UnderstudyConfig)}, which the daemon logs at startup.
 *
 * <p>Immutable and thread-safe; {@link #load} and {@link #parse} may run concurrently.
 */
public final class ConfigLoader {
    private final EnvSubstitution env;
    private final YamlTreeReader yaml = new YamlTreeReader();

    /** @param environment the variables {@code ${VAR}} resolves against, normally {@code System.getenv()} */
    public ConfigLoader(Map<String, String> environment) {
        this.env = new EnvSubstitution(Objects.requireNonNull(environment, "environment"));
    }

    /**
     * Reads and validates {@code file}. A relative {@code password-file} resolves against the file's directory.
     *
     * @throws ConfigException listing every problem found, each with the file name and line
     */
    public UnderstudyConfig load(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw single(name, "the configuration file does not exist (working directory "
                    + Path.of("").toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            throw single(name, "the configuration file is not readable by user " + System.getProperty("user.name"));
        } catch (CharacterCodingException e) {
            throw single(name, "the configuration file is not valid UTF-8");
        } catch (IOException e) {
            throw single(name, "cannot read the configuration file: " + e.getClass().getSimpleName());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, name, dir == null ? Path.of("").toAbsolutePath() : dir);
    }

    /**
     * Validates YAML text. {@code sourceName} names the text in problems; a relative {@code password-file}
     * resolves against the working directory.
     *
     * @throws ConfigException listing every problem found
     */
    public UnderstudyConfig parse(String yaml, String sourceName) throws ConfigException {
        return parse(yaml, sourceName, Path.of("").toAbsolutePath());
    }

    private UnderstudyConfig parse(String text, String sourceName, Path baseDir) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Optional<YamlNode> root = yaml.read(text, problems);
        Optional<UnderstudyConfig> config = Optional.empty();
        if (root.isPresent()) {
            config = new ConfigBinder(new NodeReader(problems, env), baseDir).bind(root.get());
        }
        problems.throwIfAny();
        return config.orElseThrow(() -> new IllegalStateException("no config and no problem for " + sourceName));
    }

    /**
     * The effective configuration as YAML for logging: every value including defaults (marked by a comment),
     * passwords shown as {@code ****}.
     */
    public static String effective(UnderstudyConfig config) {
        return EffectiveConfig.render(config);
    }

    private static ConfigException single(String file, String message) {
        return new ConfigException(List.of(new ConfigException.Problem(file, 0, "", message)));
    }
}
