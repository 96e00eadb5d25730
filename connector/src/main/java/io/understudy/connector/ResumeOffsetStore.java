package io.understudy.connector;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * The engine's offset store: memory only, preloaded with the resume offset that {@link BinlogChangeSource}
 * passes in the engine property {@value #RESUME_OFFSET}. Offsets the engine commits later are kept in
 * memory and never persisted: the follower's position table is the only source of truth.
 *
 * <p>Instantiated by the Debezium engine through its public no-argument constructor; not for direct use.
 * Thread-safe as far as {@link MemoryOffsetBackingStore} is.
 */
public final class ResumeOffsetStore extends MemoryOffsetBackingStore {
    /** Engine property carrying the Debezium source offset map as JSON. */
    static final String RESUME_OFFSET = "understudy.resume.offset";

    private String engineName;
    private String topicPrefix;
    private String resumeOffset;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, Object> originals = config.originals();
        engineName = string(originals, "name");
        topicPrefix = string(originals, "topic.prefix");
        resumeOffset = string(originals, RESUME_OFFSET);
    }

    private static String string(Map<String, Object> originals, String key) {
        Object value = originals.get(key);
        if (value == null) {
            throw new IllegalStateException("engine property '" + key + "' is missing; the offset store cannot preload the resume offset");
        }
        return value.toString();
    }

    @Override
    public synchronized void start() {
        super.start();
        Map<String, Object> offset = Offsets.parse(resumeOffset);
        JsonConverter keys = converter(true);
        JsonConverter values = converter(false);
        byte[] key = keys.fromConnectData(engineName, null, Arrays.asList(engineName, partition()));
        byte[] value = values.fromConnectData(engineName, null, offset);
        data.put(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
    }

    private Map<String, Object> partition() {
        return Map.of("server", topicPrefix);
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), isKey);
        return converter;
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of(partition());
    }
}
