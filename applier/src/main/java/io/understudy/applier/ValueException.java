package io.understudy.applier;

/** A leader value that the follower column cannot represent; the caller adds table, key and transaction. */
final class ValueException extends RuntimeException {
    ValueException(String reason) {
        super(reason, null, false, false);
    }
}
