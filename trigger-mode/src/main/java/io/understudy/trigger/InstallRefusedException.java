package io.understudy.trigger;

import io.understudy.model.ReplicationException;
import java.util.List;

/**
 * {@code understudy triggers install} found leader tables it cannot capture exactly (no key, unsupported types) and
 * changed nothing. {@link #problems()} lists every one, each naming the table or column and what to do.
 */
public final class InstallRefusedException extends ReplicationException {
    private final List<String> problems;

    InstallRefusedException(String leader, List<String> problems) {
        super("triggers not installed on leader " + leader + ", nothing was changed:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
