package io.understudy.model;

import java.util.Arrays;
import java.util.List;

/** Equality of key value lists that treats byte arrays by content. */
public final class KeyValues {
    private KeyValues() {
    }

    public static boolean equal(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x instanceof byte[] bx && y instanceof byte[] by) {
                if (!Arrays.equals(bx, by)) {
                    return false;
                }
            } else if (x == null ? y != null : !x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key as a value with content equality and hashing, for sets and maps: byte arrays are wrapped, everything
     * else is kept as it is.
     */
    public static List<Object> identity(List<Object> key) {
        List<Object> out = new java.util.ArrayList<>(key.size());
        for (Object v : key) {
            out.add(v instanceof byte[] b ? java.nio.ByteBuffer.wrap(b) : v);
        }
        return out;
    }

    /** A string form for error messages and progress rows. */
    public static String describe(List<Object> key) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = key.get(i);
            sb.append(v instanceof byte[] b ? "0x" + java.util.HexFormat.of().formatHex(b) : String.valueOf(v));
        }
        return sb.append(')').toString();
    }
}
