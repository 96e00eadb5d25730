package io.understudy.connector;

import io.understudy.model.BinlogPosition;
import io.understudy.model.Position;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds and orders binlog positions. Stateless and thread-safe.
 *
 * <p>Order is (file, offset). Binlog file names are {@code base.NNNNNN}; the numeric extension is compared as a
 * number, so the order stays right after {@code .999999} rolls over to seven digits.
 */
public final class BinlogPositions {
    /** Orders positions of one leader's binlog. */
    public static final Comparator<BinlogPosition> ORDER = BinlogPositions::compare;

    private BinlogPositions() {
    }

    /**
     * A resume position at a transaction boundary of the leader's binlog, encoded like the positions the
     * capture produces ({@code {"file":..,"pos":..,"gtids":..}}); {@code gtids} may be null or blank.
     */
    public static BinlogPosition at(String file, long pos, String gtids) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", file);
        offset.put("pos", pos);
        if (gtids != null && !gtids.isBlank()) {
            offset.put("gtids", gtids.replace("\n", ""));
        }
        return Offsets.position(offset);
    }

    /** Decodes a position produced by the binlog capture or by {@link #at}. */
    public static BinlogPosition decode(String encoded) {
        return Offsets.decode(encoded);
    }

    /** Compares two positions of the same leader: negative when {@code a} comes first in the binlog. */
    public static int compare(BinlogPosition a, BinlogPosition b) {
        int byFile = compareFiles(a.file(), b.file());
        return byFile != 0 ? byFile : Long.compare(a.offset(), b.offset());
    }

    /** Compares two positions that must be binlog positions. */
    public static int compare(Position a, Position b) {
        return compare((BinlogPosition) a, (BinlogPosition) b);
    }

    static int compareFiles(String a, String b) {
        int da = a.lastIndexOf('.');
        int db = b.lastIndexOf('.');
        if (da > 0 && db > 0 && a.substring(0, da).equals(b.substring(0, db))) {
            try {
                return Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
            } catch (NumberFormatException e) {
                return a.compareTo(b);
            }
        }
        return a.compareTo(b);
    }
}
