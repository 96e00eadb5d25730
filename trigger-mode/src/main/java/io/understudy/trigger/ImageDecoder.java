package io.understudy.trigger;

import io.understudy.model.Row;

/**
 * Turns one row image, as a capture trigger wrote it into the leader's change table, back into a model
 * {@link Row}: the values in exactly the Java types the binlog capture produces for the same column (see
 * {@link Row}, docs/capture.md and docs/trigger-mode.md), so the applier, the snapshot and the checksums treat
 * trigger-captured rows like binlog rows. Implementations are stateless and thread-safe.
 */
interface ImageDecoder {
    /**
     * @param definition the definition the image was written under
     * @param image      the JSON text of the image
     * @return the row, columns in the order of {@code definition.table().columns()} restricted to those present in
     *         the image
     * @throws ImageException when a value cannot be read; the message names the column and the value's problem
     */
    Row decode(CaptureDefinition definition, String image);

    /**
     * An image with columns its capture definition does not have: the leader table changed after install (PostgreSQL
     * images follow the table). Resolved by the next install, so the reader retries instead of stopping for good.
     */
    final class UnknownColumnsException extends ImageException {
        UnknownColumnsException(String message) {
            super(message);
        }
    }

    /** A row image that cannot be decoded. The caller adds where (table, change id, tick) and what to do. */
    class ImageException extends RuntimeException {
        ImageException(String message) {
            super(message);
        }

        ImageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
