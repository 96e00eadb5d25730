package io.understudy.applier;

import java.util.Locale;

/**
 * One column of a follower table as reported by {@code DatabaseMetaData.getColumns}.
 *
 * @param name     the follower's spelling of the column name
 * @param jdbcType {@link java.sql.Types} constant
 * @param typeName the database's type name, lower case (for example {@code int4}, {@code jsonb}, {@code geometry})
 * @param size     COLUMN_SIZE (length, precision or bit count)
 */
record FollowerColumn(String name, int jdbcType, String typeName, int size) {
    FollowerColumn {
        typeName = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    }
}
