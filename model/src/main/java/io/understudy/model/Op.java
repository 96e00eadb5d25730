package io.understudy.model;

/** The kind of a row change. TRUNCATE carries no row images. */
public enum Op { INSERT, UPDATE, DELETE, TRUNCATE }
