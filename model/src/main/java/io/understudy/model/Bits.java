package io.understudy.model;

import java.util.Objects;

/**
 * A BIT(n) value with n &gt; 1, as a string of '0'/'1' characters, most significant bit first,
 * exactly {@code length} characters long.
 */
public record Bits(String bits) {
    public Bits {
        Objects.requireNonNull(bits, "bits");
        if (!bits.chars().allMatch(c -> c == '0' || c == '1')) {
            throw new IllegalArgumentException("not a bit string: " + bits);
        }
    }
}
