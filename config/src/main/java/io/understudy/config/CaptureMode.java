package io.understudy.config;

/** How changes are read from the leader. Only BINLOG exists so far; trigger mode comes with its own module. */
public enum CaptureMode { BINLOG }
