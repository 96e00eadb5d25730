package io.understudy.model;

import java.util.Arrays;
import java.util.Objects;

/** A spatial value as OGC well-known binary plus its SRID (0 when none). */
public record Geometry(byte[] wkb, int srid) {
    public Geometry {
        Objects.requireNonNull(wkb, "wkb");
        wkb = wkb.clone();
    }

    @Override
    public byte[] wkb() {
        return wkb.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Geometry g && g.srid == srid && Arrays.equals(g.wkb, wkb);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(wkb) + srid;
    }

    @Override
    public String toString() {
        return "Geometry[srid=" + srid + ", " + wkb.length + " bytes]";
    }
}
