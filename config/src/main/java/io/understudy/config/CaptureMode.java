package io.understudy.config;

/**
 * How changes are read from the leader: {@code binlog} tails a MariaDB/MySQL row-based binlog (connector module),
 * {@code trigger} polls the change table that Understudy's triggers fill on the leader (trigger-mode module).
 */
public enum CaptureMode { BINLOG, TRIGGER }
