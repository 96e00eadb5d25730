package io.understudy.client;

import java.sql.Connection;
import java.sql.SQLException;

/** What an application does with a connection: a read on a follower or a write on the leader. */
@FunctionalInterface
public interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
}
