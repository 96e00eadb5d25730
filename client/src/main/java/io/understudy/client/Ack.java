package io.understudy.client;

import java.util.List;

/**
 * The answer of {@link ReadRouter#awaitReplicated}: whether enough followers applied the token in time, and who did.
 *
 * @param have    the followers that applied it
 * @param missing the followers that did not within the timeout (or could not be asked)
 */
public record Ack(String token, boolean satisfied, int required, List<String> have, List<String> missing) {
}
