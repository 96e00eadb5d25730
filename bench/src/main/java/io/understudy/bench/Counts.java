package io.understudy.bench;

/** What a workload wrote on the leader: committed transactions, row changes, wall-clock seconds. */
record Counts(long transactions, long rows, double seconds) {
    double txPerSecond() {
        return transactions / seconds;
    }
}
