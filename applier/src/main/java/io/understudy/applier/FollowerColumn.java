package io.understudy.applier;

import java.util.Locale;
import java.util.Set;

/**
 * One column of a follower table as reported by {@code DatabaseMetaData.getColumns}.
 *
 * @param name     the follower's spelling of the column name
 * @param jdbcType {@link java.sql.Types} constant
 * @param typeName the database's type name, lower case (for example {@code int4}, {@code jsonb}, {@code geometry})
 * @param size     COLUMN_SIZE (length, precision or bit count)
 * @param spatial  whether it is a MySQL/MariaDB spatial type (bound as WKB through ST_GeomFromWKB); decided once
 *                 here because it is asked for every bound value
 * @param scale    DECIMAL_DIGITS (digits after the decimal point of a DECIMAL), or -1 when unknown
 */
record FollowerColumn(String name, int jdbcType, String typeName, int size, boolean spatial, int scale) {
    private static final Set<String> SPATIAL = Set.of("geometry", "point", "linestring", "polygon", "multipoint",
            "multilinestring", "multipolygon", "geometrycollection", "geomcollection");

    FollowerColumn {
        typeName = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    }

    FollowerColumn(String name, int jdbcType, String typeName, int size) {
        this(name, jdbcType, typeName, size, -1);
    }

    FollowerColumn(String name, int jdbcType, String typeName, int size, int scale) {
        this(name, jdbcType, typeName, size, typeName != null && SPATIAL.contains(typeName.toLowerCase(Locale.ROOT)),
                scale);
    }
}
