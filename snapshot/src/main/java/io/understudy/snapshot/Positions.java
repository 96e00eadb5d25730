package io.understudy.snapshot;

import io.understudy.connector.BinlogPositions;
import io.understudy.model.BinlogPosition;
import io.understudy.model.Position;
import io.understudy.model.TickPosition;
import java.util.Comparator;

/**
 * Decodes and orders the positions a snapshot records, of either capture mode: binlog positions (binlog mode) and
 * ticks (trigger mode). Positions of the two modes never meet in one follower. Stateless and thread-safe.
 */
final class Positions {
    static final Comparator<Position> ORDER = Positions::compare;

    private Positions() {
    }

    static Position decode(String encoded) {
        return encoded.startsWith("tick:") ? TickPosition.decode(encoded) : BinlogPositions.decode(encoded);
    }

    static int compare(Position a, Position b) {
        if (a instanceof TickPosition x && b instanceof TickPosition y) {
            return x.compareTo(y);
        }
        if (a instanceof BinlogPosition x && b instanceof BinlogPosition y) {
            return BinlogPositions.compare(x, y);
        }
        throw new IllegalArgumentException("cannot order " + a + " and " + b + ": they come from different capture"
                + " modes; the follower was bootstrapped in another mode, so copy it again with `understudy snapshot`");
    }
}
