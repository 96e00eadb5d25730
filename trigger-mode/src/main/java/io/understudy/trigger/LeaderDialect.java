package io.understudy.trigger;

import io.understudy.catalog.TableDef;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What differs between a MariaDB/MySQL and a PostgreSQL leader in trigger mode: the catalog, the trigger DDL, how
 * a tick captures "what has committed", which change rows make up a batch, and the purge. The ordering argument
 * for each is in docs/trigger-mode.md. Implementations are stateless and thread-safe; every method uses only the
 * connection passed in, which must not be used by another thread meanwhile.
 */
interface LeaderDialect {
    /** The schema (MariaDB/MySQL: database) that holds Understudy's objects on the leader. */
    String SCHEMA = "understudy";

    DatabaseKind kind();

    /** Flyway location of the versioned leader migrations (V1: change table, ticks, consumers). */
    String flywayLocation();

    /** The captured leader tables that {@code filter} includes, ordered by schema and name. */
    List<TableId> tableIds(Connection c, TableFilter filter) throws SQLException;

    /** One leader table's definition. */
    TableDef table(Connection c, TableId id) throws SQLException;

    /** Why columns of {@code table} cannot be captured exactly; empty when all can. */
    List<String> unsupported(TableDef table);

    /**
     * Why {@code table} cannot be captured correctly for reasons the catalog record does not show (a storage engine
     * without transactions, a deferrable key), one message each; empty when it can.
     */
    List<String> refusals(Connection c, TableDef table) throws SQLException;

    /** Why this leader server cannot run trigger capture correctly (configuration, privileges); empty when it can. */
    List<String> serverRefusals(Connection c) throws SQLException;

    /** Session settings for install, so that a busy table makes it fail fast instead of stalling the application. */
    List<String> installSession();

    ImageDecoder decoder();

    /**
     * The capture triggers of {@code definition}'s table, name to CREATE statement. Names embed the definition id,
     * so install swaps a table to a new definition by creating its new triggers before dropping the old ones (see
     * the implementations for why no change is missed meanwhile).
     */
    Map<String, String> triggers(CaptureDefinition definition);

    /** The statement that drops one of Understudy's triggers. */
    String dropTrigger(InstalledTrigger trigger);

    /** Understudy's triggers currently on the leader, by name prefix. */
    List<InstalledTrigger> installedTriggers(Connection c) throws SQLException;

    /**
     * Takes a tick: records what has committed so far, as a new row of {@code understudy.tick}, serialized with
     * every other ticker. Does nothing and returns empty unless {@code force}, or nothing new committed since the
     * last tick, or that tick is younger than {@code minInterval} (leader clock).
     *
     * @return the new tick's id
     */
    OptionalLong tick(Connection c, boolean force, Duration minInterval) throws SQLException;

    /**
     * Starts a consistent snapshot (REPEATABLE READ) on {@code copy} and records exactly that snapshot as a new
     * tick, using {@code ticker} (another connection) for the writes, serialized with every other ticker. The caller
     * reads tables in {@code copy}'s transaction: they then hold precisely the batches up to the returned tick.
     */
    long tickForSnapshot(Connection ticker, Connection copy) throws SQLException;

    /** Reads batch {@code tick} (which must exist), in write order, handing each row to {@code sink}. */
    void readBatch(Connection c, long tick, RowSink sink) throws SQLException, InterruptedException;

    /**
     * Deletes change rows of batches up to and including {@code upTo} and ticks before it, in small transactions
     * that never block writers, for at most about {@code budget}.
     *
     * @return the number of change rows deleted
     */
    long purge(Connection c, long upTo, Duration budget) throws SQLException;

    /**
     * Takes the purge lock (a session lock): consumer registration and the purge exclude each other, so a follower
     * registering at an old tick either keeps the purge from passing it or learns that it already did.
     *
     * @return whether the lock was taken within {@code wait}
     */
    boolean purgeLock(Connection c, Duration wait) throws SQLException;

    void purgeUnlock(Connection c) throws SQLException;

    /** Statements that drop Understudy's tables and functions in schema understudy (after its triggers are gone). */
    List<String> dropObjects();

    /** Receives the rows of one batch. */
    interface RowSink {
        void accept(ChangeRow row) throws InterruptedException;
    }

    /**
     * One Understudy trigger found on the leader.
     *
     * @param table  the table it is on
     * @param name   its name
     * @param body   its definition as the leader reports it, to compare with what install would create
     */
    record InstalledTrigger(TableId table, String name, String body) {
    }
}
