package io.understudy.model;

import java.util.Objects;

/** A JSON document as text, kept apart from plain strings so followers can store it as JSON (jsonb). */
public record Json(String text) {
    public Json {
        Objects.requireNonNull(text, "text");
    }
}
