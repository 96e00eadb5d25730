package io.understudy.trigger;

import java.time.Instant;

/**
 * One tick of the leader's {@code understudy.tick}: batch {@code id} holds the changes of the transactions that
 * committed after tick {@code id - 1} and before this tick was taken at {@code created} (leader clock).
 */
record Tick(long id, Instant created) {
}
