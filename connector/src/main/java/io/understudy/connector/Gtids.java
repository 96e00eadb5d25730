package io.understudy.connector;

import java.util.ArrayList;
import java.util.List;

/** Adds one transaction's GTID to a GTID position/set as Debezium stores it in offsets. Stateless. */
final class Gtids {
    private Gtids() {
    }

    /**
     * MariaDB: {@code domain-server-seq} entries, one per domain; the added GTID replaces its domain's entry.
     * MySQL: {@code uuid:interval[:interval]} entries; the added {@code uuid:n} extends or joins its uuid's entry.
     */
    static String plus(String gtids, String gtid) {
        if (gtid == null || gtid.isBlank()) {
            return gtids;
        }
        if (gtids == null || gtids.isBlank()) {
            return gtid;
        }
        return gtid.contains(":") ? plusMySql(gtids, gtid) : plusMariaDb(gtids, gtid);
    }

    private static String plusMariaDb(String gtids, String gtid) {
        String domain = gtid.substring(0, gtid.indexOf('-') + 1);
        List<String> entries = new ArrayList<>();
        boolean replaced = false;
        for (String entry : gtids.split(",")) {
            String e = entry.trim();
            if (e.startsWith(domain)) {
                if (!replaced) {
                    entries.add(gtid); // a domain can list several server ids; the new GTID supersedes them all
                }
                replaced = true;
            } else if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        if (!replaced) {
            entries.add(gtid);
        }
        return String.join(",", entries);
    }

    private static String plusMySql(String gtids, String gtid) {
        String uuid = gtid.substring(0, gtid.lastIndexOf(':'));
        String n = gtid.substring(gtid.lastIndexOf(':') + 1);
        List<String> entries = new ArrayList<>();
        boolean added = false;
        for (String entry : gtids.replace("\n", "").split(",")) {
            String e = entry.trim();
            if (e.startsWith(uuid + ":")) {
                e = e + ":" + n + "-" + n; // MySQL and Debezium accept and normalise adjacent intervals
                added = true;
            }
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        if (!added) {
            entries.add(uuid + ":" + n + "-" + n);
        }
        return String.join(",", entries);
    }
}
