package io.understudy.connector;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the capture user's privileges from {@code SHOW GRANTS} (pragmatically: global and schema-level
 * grants; roles and table-level grants are not followed). Never echoes grant lines, which can hold
 * password hashes. Stateless.
 */
final class GrantCheck {
    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (\\S+) TO ", Pattern.CASE_INSENSITIVE);

    private GrantCheck() {
    }

    /** One grant line: privileges (upper case) on a target such as {@code *.*} or {@code `shop`.*}. */
    record Grant(Set<String> privileges, String target) {
        boolean global() {
            return target.equals("*.*");
        }

        boolean has(String privilege) {
            return privileges.contains(privilege) || privileges.contains("ALL PRIVILEGES") || privileges.contains("ALL");
        }
    }

    static List<Grant> grants(LeaderSession session) {
        List<Grant> grants = new ArrayList<>();
        for (List<String> row : session.query("SHOW GRANTS")) {
            Matcher m = GRANT.matcher(row.get(0));
            if (m.find()) {
                Set<String> privileges = new HashSet<>();
                for (String p : m.group(1).split(",")) {
                    privileges.add(p.trim().replaceAll("\\(.*\\)", "").trim().toUpperCase(Locale.ROOT));
                }
                grants.add(new Grant(privileges, m.group(2).replace("`", "")));
            }
        }
        return grants;
    }

    static CheckResult replication(LeaderSession session) {
        List<Grant> global = grants(session).stream().filter(Grant::global).toList();
        boolean slave = global.stream().anyMatch(g -> g.has("REPLICATION SLAVE") || g.has("REPLICATION REPLICA"));
        boolean client = global.stream().anyMatch(g -> g.has("REPLICATION CLIENT") || g.has("BINLOG MONITOR")
                || g.has("SUPER"));
        String user = session.leader().user();
        if (slave && client) {
            return CheckResult.pass("replication privileges", user + " may read the binlog");
        }
        return CheckResult.fail("replication privileges", user + " on " + session.leader().host() + ":"
                        + session.leader().port() + " lacks " + (slave ? "" : "REPLICATION SLAVE ")
                        + (client ? "" : "REPLICATION CLIENT (BINLOG MONITOR on MariaDB)"),
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user
                        + "'@'%' (on MariaDB 10.5+: REPLICATION SLAVE, BINLOG MONITOR)");
    }

    static CheckResult select(LeaderSession session, Set<String> schemas) {
        List<Grant> grants = grants(session);
        boolean global = grants.stream().anyMatch(g -> g.global() && g.has("SELECT"));
        Set<String> missing = new TreeSet<>();
        if (!global) {
            for (String schema : schemas) {
                if (grants.stream().noneMatch(g -> g.target().equals(schema + ".*") && g.has("SELECT"))) {
                    missing.add(schema);
                }
            }
        }
        String user = session.leader().user();
        if (missing.isEmpty()) {
            return CheckResult.pass("select privileges", user + " may read the replicated tables");
        }
        return CheckResult.fail("select privileges", user + " has no SELECT on schema(s) " + missing,
                "GRANT SELECT ON <schema>.* TO '" + user + "'@'%' for each of " + missing);
    }
}
