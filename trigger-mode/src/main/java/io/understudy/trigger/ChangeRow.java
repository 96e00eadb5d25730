package io.understudy.trigger;

/**
 * One row of the leader's {@code understudy.change_log}, as read for a batch: images still as JSON text.
 *
 * @param id        the global write order
 * @param captureId the {@code understudy.capture_table} definition the images were written under
 * @param op        {@code I}, {@code U}, {@code D} or {@code T} (TRUNCATE, PostgreSQL only)
 * @param before    the before image (UPDATE, DELETE), else null
 * @param after     the after image (INSERT, UPDATE), else null
 */
record ChangeRow(long id, int captureId, char op, String before, String after) {
}
