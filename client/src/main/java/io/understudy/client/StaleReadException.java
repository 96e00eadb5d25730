package io.understudy.client;

import java.sql.SQLException;

/** No follower had the session's token within the wait bound, and the policy is {@link Fallback#FAIL}. */
public final class StaleReadException extends SQLException {
    public StaleReadException(String message) {
        super(message, "UST01");
    }
}
