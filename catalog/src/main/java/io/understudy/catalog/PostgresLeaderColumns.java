package io.understudy.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a PostgreSQL leader table's columns into {@link ColumnDef}s spelled as {@link ColumnDef} describes for
 * PostgreSQL leaders: domains resolved to their base type (the follower gets the base type; the domain's CHECK stays
 * the leader's business), type modifiers decoded into length, precision, scale and fractional digits.
 * Stateless and thread-safe.
 */
final class PostgresLeaderColumns {
    private static final Set<String> CHARS = Set.of("character varying", "character");
    private static final Set<String> DATETIMES = Set.of("time without time zone", "time with time zone",
            "timestamp without time zone", "timestamp with time zone");
    private static final int VARHDRSZ = 4;

    /**
     * The columns with their types resolved through any chain of domains (as PostgreSQL's getBaseTypeAndTypmod
     * does: the type modifier of the domain nearest the base type wins).
     */
    private static final String SQL = """
            WITH RECURSIVE cols AS (
              SELECT a.attnum, a.attname, a.attnotnull, a.attidentity, a.attgenerated, a.atttypid, a.atttypmod,
                     pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS dflt
              FROM pg_catalog.pg_attribute a
              LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
            ), base AS (
              SELECT attnum, atttypid AS typid, atttypmod AS typmod FROM cols
              UNION ALL
              SELECT b.attnum, t.typbasetype, t.typtypmod FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typid
              WHERE t.typtype = 'd'
            )
            SELECT c.attname, c.attnotnull, c.attidentity, c.attgenerated, c.dflt, b.typmod,
                   t.typtype, n.nspname, pg_catalog.format_type(b.typid, NULL), pg_catalog.format_type(b.typid, b.typmod)
            FROM cols c
            JOIN base b ON b.attnum = c.attnum
            JOIN pg_catalog.pg_type t ON t.oid = b.typid AND t.typtype <> 'd'
            JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            ORDER BY c.attnum""";

    private PostgresLeaderColumns() {
    }

    static List<ColumnDef> read(Connection c, long tableOid) throws SQLException {
        List<ColumnDef> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setLong(1, tableOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(column(rs));
                }
            }
        }
        return columns;
    }

    private static ColumnDef column(ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        boolean notNull = rs.getBoolean(2);
        boolean identity = !rs.getString(3).isEmpty();
        boolean generated = !rs.getString(4).isEmpty();
        String dflt = rs.getString(5);
        int typmod = rs.getInt(6);
        String typtype = rs.getString(7);
        String dataType = "e".equals(typtype) ? "enum"
                : "pg_catalog".equals(rs.getString(8)) ? rs.getString(9) : "user-defined";
        String columnType = rs.getString(10);
        boolean serial = dflt != null && dflt.startsWith("nextval(");
        Long chars = CHARS.contains(dataType) && typmod >= VARHDRSZ ? Long.valueOf(typmod - VARHDRSZ) : null;
        Integer precision = null;
        Integer scale = null;
        if (dataType.equals("numeric") && typmod >= VARHDRSZ) {
            precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
            scale = (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024; // 11-bit signed: PostgreSQL 15+ allows s < 0
        } else if ((dataType.equals("bit") || dataType.equals("bit varying")) && typmod > 0) {
            precision = typmod;
        }
        Integer fsp = DATETIMES.contains(dataType) ? Integer.valueOf(typmod >= 0 ? typmod : 6) : null;
        return new ColumnDef(name, dataType, columnType, !notNull, chars, precision, scale, fsp,
                identity || generated || serial ? null : dflt, identity || serial);
    }
}
