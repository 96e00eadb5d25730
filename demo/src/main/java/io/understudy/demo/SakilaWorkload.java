package io.understudy.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream of realistic multi-statement transactions on the Sakila schema: rentals with their payment,
 * returns, customer edits, film edits (which fire the leader's film_text triggers), payment deletes, and two that
 * only foreign-key cascades finish: a customer renumbered (ON UPDATE CASCADE moves its rentals and payments) and a
 * rental deleted (ON DELETE SET NULL unlinks its payments). Not thread-safe: one instance per writer thread.
 */
public final class SakilaWorkload {
    private final Connection leader;
    private final Random random;
    private final AtomicLong transactions;

    public SakilaWorkload(Connection leader, long seed, AtomicLong transactions) throws SQLException {
        this.leader = leader;
        this.random = new Random(seed);
        this.transactions = transactions;
        leader.setAutoCommit(false);
        try (Statement s = leader.createStatement()) {
            s.execute("USE sakila");
        }
    }

    /** Runs one random transaction and commits it. */
    public void step() throws SQLException {
        int kind = random.nextInt(12);
        try {
            if (kind < 4) {
                rent();
            } else if (kind < 6) {
                returnRental();
            } else if (kind < 8) {
                editCustomer();
            } else if (kind < 9) {
                editFilm();
            } else if (kind < 10) {
                deletePayment();
            } else if (kind < 11) {
                renumberCustomer();
            } else {
                deleteRental();
            }
            leader.commit();
            transactions.incrementAndGet();
        } catch (SQLException e) {
            leader.rollback();
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // a random rental may collide with the (rental_date, inventory_id, customer_id) key or name a customer that
            // is renumbered just now, or two writers deadlock
            if (!state.startsWith("23") && !"40001".equals(state)) {
                throw e;
            }
        }
    }

    private void rent() throws SQLException {
        int inventory = 1 + random.nextInt(4581);
        int customer = 1 + random.nextInt(599);
        int staff = 1 + random.nextInt(2);
        long rentalId;
        try (PreparedStatement p = leader.prepareStatement(
                "INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES (NOW(6), ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            p.setInt(1, inventory);
            p.setInt(2, customer);
            p.setInt(3, staff);
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                rentalId = keys.getLong(1);
            }
        }
        try (PreparedStatement p = leader.prepareStatement(
                "INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) VALUES (?, ?, ?, ?, NOW())")) {
            p.setInt(1, customer);
            p.setInt(2, staff);
            p.setLong(3, rentalId);
            p.setBigDecimal(4, java.math.BigDecimal.valueOf(99 + random.nextInt(900), 2));
            p.executeUpdate();
        }
    }

    private void returnRental() throws SQLException {
        try (PreparedStatement p = leader.prepareStatement(
                "UPDATE rental SET return_date = NOW() WHERE rental_id = ? AND return_date IS NULL")) {
            p.setInt(1, 1 + random.nextInt(16049));
            p.executeUpdate();
        }
    }

    private void editCustomer() throws SQLException {
        try (PreparedStatement p = leader.prepareStatement(
                "UPDATE customer SET email = ?, active = ? WHERE customer_id = ?")) {
            int id = 1 + random.nextInt(599);
            p.setString(1, "reader" + random.nextInt(100000) + "@example.org \uD83C\uDFAC");
            p.setInt(2, random.nextInt(2));
            p.setInt(3, id);
            p.executeUpdate();
        }
    }

    private void editFilm() throws SQLException {
        try (PreparedStatement p = leader.prepareStatement(
                "UPDATE film SET rental_rate = ?, description = CONCAT(LEFT(description, 200), ' (rev. ', ?, ')') WHERE film_id = ?")) {
            p.setBigDecimal(1, java.math.BigDecimal.valueOf(99 + random.nextInt(400), 2));
            p.setInt(2, random.nextInt(1000));
            p.setInt(3, 1 + random.nextInt(1000));
            p.executeUpdate();
        }
    }

    /** Customer c becomes c + 1000 and back: the leader's ON UPDATE CASCADE moves its rentals and payments along. */
    private void renumberCustomer() throws SQLException {
        try (PreparedStatement p = leader.prepareStatement("UPDATE customer SET customer_id = IF(customer_id > 1000,"
                + " customer_id - 1000, customer_id + 1000) WHERE customer_id IN (?, ?)")) {
            int id = 1 + random.nextInt(599);
            p.setInt(1, id);
            p.setInt(2, id + 1000);
            p.executeUpdate();
        }
    }

    /** The leader's ON DELETE SET NULL clears the rental of its payments. */
    private void deleteRental() throws SQLException {
        try (PreparedStatement p = leader.prepareStatement("DELETE FROM rental WHERE rental_id = ?")) {
            p.setInt(1, 1 + random.nextInt(16049));
            p.executeUpdate();
        }
    }

    private void deletePayment() throws SQLException {
        try (PreparedStatement p = leader.prepareStatement("DELETE FROM payment WHERE payment_id = ?")) {
            p.setInt(1, 1 + random.nextInt(16049));
            p.executeUpdate();
        }
    }
}
