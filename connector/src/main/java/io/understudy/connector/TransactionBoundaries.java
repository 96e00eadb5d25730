package io.understudy.connector;

import io.debezium.config.Configuration;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.txmetadata.DefaultTransactionMetadataFactory;
import io.debezium.pipeline.txmetadata.DefaultTransactionStructMaker;
import io.debezium.pipeline.txmetadata.TransactionStructMaker;
import org.apache.kafka.connect.data.Struct;

/**
 * Debezium's transaction metadata ({@code transaction.metadata.factory}) without the per-row transaction block:
 * BEGIN and END records (with END's event counts) stay exactly Debezium's, but data records no longer get a
 * {@code transaction} struct (id, total and per-table order), which Understudy never reads — it takes transaction
 * boundaries from BEGIN/END alone. Saves building and validating one struct per row event. Stateless.
 */
public final class TransactionBoundaries extends DefaultTransactionMetadataFactory {
    private final Configuration configuration;

    public TransactionBoundaries(Configuration configuration) {
        super(configuration);
        this.configuration = configuration;
    }

    @Override
    public TransactionStructMaker getTransactionStructMaker() {
        return new DefaultTransactionStructMaker(configuration) {
            @Override
            public Struct addTransactionBlock(OffsetContext offsetContext, long dataCollectionEventOrder, Struct value) {
                return null; // the optional 'transaction' field of the envelope stays empty
            }
        };
    }
}
