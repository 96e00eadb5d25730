package io.understudy.connector;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ON DELETE / ON UPDATE rules of one foreign key, read from the leader's {@code SHOW CREATE TABLE} output.
 * MariaDB shows information_schema.REFERENTIAL_CONSTRAINTS only to users with more than SELECT on the table, and
 * the replication user has just SELECT; SHOW CREATE TABLE needs only SELECT. A rule the output omits is RESTRICT.
 *
 * @param onDelete RESTRICT, CASCADE, SET NULL, NO ACTION or SET DEFAULT
 * @param onUpdate the same for updates
 */
public record ForeignKeyRules(String onDelete, String onUpdate) {
    private static final Pattern RULE = Pattern.compile(" ON (DELETE|UPDATE) (RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT)");

    /** The rules of constraint {@code name} in {@code showCreateTable}; RESTRICT for both if it is not there. */
    public static ForeignKeyRules of(String showCreateTable, String name) {
        String prefix = "CONSTRAINT `" + name.replace("`", "``") + "` FOREIGN KEY";
        String onDelete = "RESTRICT";
        String onUpdate = "RESTRICT";
        for (String line : showCreateTable.split("\n")) {
            if (line.trim().startsWith(prefix)) {
                Matcher m = RULE.matcher(line);
                while (m.find()) {
                    if (m.group(1).equals("DELETE")) {
                        onDelete = m.group(2);
                    } else {
                        onUpdate = m.group(2);
                    }
                }
                break;
            }
        }
        return new ForeignKeyRules(onDelete, onUpdate);
    }

    /**
     * The first rule that changes child rows (CASCADE or SET NULL), as {@code ON DELETE CASCADE}, or null: MariaDB
     * and MySQL before 9.6 do not binlog those child changes.
     */
    public String cascading() {
        if (onDelete.equals("CASCADE") || onDelete.equals("SET NULL")) {
            return "ON DELETE " + onDelete;
        }
        if (onUpdate.equals("CASCADE") || onUpdate.equals("SET NULL")) {
            return "ON UPDATE " + onUpdate;
        }
        return null;
    }
}
