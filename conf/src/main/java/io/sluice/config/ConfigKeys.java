package io.sluice.config;

/**
 * The name of every configuration key of {@code conf/sluice.properties}, one constant per key,
 * named after it ({@code kafka.bootstrap.servers} is {@link #KAFKA_BOOTSTRAP_SERVERS}).
 *
 * <p>Main code names keys only through these constants, so a key is renamed in one place; the file
 * documents each key and its default. {@code ConfigKeysTest} fails when the file and this class
 * disagree.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    // ---- Services
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String JDBC_URL = "jdbc.url";
    public static final String JDBC_USER = "jdbc.user";
    public static final String JDBC_PASSWORD = "jdbc.password";
    public static final String REDIS_URL = "redis.url";
    public static final String REDIS_CLUSTER = "redis.cluster";
    public static final String LOCAL_DATA_DIR = "local.data.dir";

    // ---- Topics
    public static final String KAFKA_TOPIC_READINGS = "kafka.topic.readings";
    public static final String KAFKA_TOPIC_PARTITIONS = "kafka.topic.partitions";

    // ---- Readings contract (conf/samples/readings/README.md)
    public static final String READINGS_MAX_BYTES = "readings.max.bytes";
    public static final String READINGS_MIN_TIMESTAMP = "readings.min.timestamp";
    public static final String READINGS_MAX_TIMESTAMP = "readings.max.timestamp";

    // ---- Job
    public static final String JOB_NAME = "job.name";
    public static final String JOB_KAFKA_GROUP_ID = "job.kafka.group.id";
    public static final String JOB_KAFKA_STARTING_OFFSETS = "job.kafka.starting.offsets";
    public static final String KAFKA_TOPIC_DEAD_LETTERS = "kafka.topic.dead-letters";
    public static final String KAFKA_TOPIC_LATE = "kafka.topic.late";
    public static final String JOB_WATERMARK_OUT_OF_ORDERNESS_MS =
            "job.watermark.out-of-orderness.ms";
    public static final String JOB_WATERMARK_INTERVAL_MS = "job.watermark.interval.ms";
    public static final String JOB_WATERMARK_IDLENESS_MS = "job.watermark.idleness.ms";
    public static final String JOB_WINDOW_SIZES = "job.window.sizes";
    public static final String JOB_WINDOW_ALLOWED_LATENESS_MS = "job.window.allowed-lateness.ms";
    public static final String JOB_BATCH_MAX_READINGS = "job.batch.max-readings";
    public static final String JOB_PARALLELISM = "job.parallelism";
    public static final String JOB_MAX_PARALLELISM = "job.max-parallelism";
    public static final String JOB_CHECKPOINT_INTERVAL_MS = "job.checkpoint.interval.ms";
    public static final String JOB_CHECKPOINT_DIR = "job.checkpoint.dir";
    public static final String JOB_STATE_BACKEND = "job.state.backend";
    public static final String JOB_STATE_CACHE_MAX_TAGS = "job.state.cache.max-tags";
    public static final String JOB_JDBC_BATCH_SIZE = "job.jdbc.batch.size";
    public static final String JOB_JDBC_BATCH_INTERVAL_MS = "job.jdbc.batch.interval.ms";
    public static final String JOB_JDBC_MAX_RETRIES = "job.jdbc.max-retries";
    public static final String JOB_SCHEMA_APPLY = "job.schema.apply";
    public static final String JOB_FAULTS_RETENTION_MS = "job.faults.retention.ms";

    // ---- Local run (flink-deploy/local-job)
    public static final String LOCAL_FLINK_REST_PORT = "local.flink.rest.port";
    public static final String LOCAL_FLINK_TASK_SLOTS = "local.flink.task-slots";

    // ---- Simulator
    public static final String SIMULATOR_TAGS = "simulator.tags";
    public static final String SIMULATOR_INTERVAL_MS = "simulator.interval.ms";
    public static final String SIMULATOR_RATE = "simulator.rate";
    public static final String SIMULATOR_COUNT = "simulator.count";
    public static final String SIMULATOR_DURATION = "simulator.duration";
    public static final String SIMULATOR_SEED = "simulator.seed";
    public static final String SIMULATOR_START_TIME = "simulator.start.time";
    public static final String SIMULATOR_FAULTS_OUT_OF_ORDER_FRACTION =
            "simulator.faults.out-of-order.fraction";
    public static final String SIMULATOR_FAULTS_OUT_OF_ORDER_BOUND_MS =
            "simulator.faults.out-of-order.bound.ms";
    public static final String SIMULATOR_FAULTS_LATE_FRACTION = "simulator.faults.late.fraction";
    public static final String SIMULATOR_FAULTS_LATE_MAX_MS = "simulator.faults.late.max.ms";
    public static final String SIMULATOR_FAULTS_DUPLICATE_FRACTION =
            "simulator.faults.duplicate.fraction";
    public static final String SIMULATOR_FAULTS_MALFORMED_FRACTION =
            "simulator.faults.malformed.fraction";
    public static final String SIMULATOR_COPY_FILE = "simulator.copy.file";
    public static final String SIMULATOR_PRODUCER_LINGER_MS = "simulator.producer.linger.ms";
    public static final String SIMULATOR_PRODUCER_BATCH_SIZE = "simulator.producer.batch.size";
    public static final String SIMULATOR_PRODUCER_COMPRESSION_TYPE =
            "simulator.producer.compression.type";

    // ---- Redis live updates (job)
    public static final String REDIS_GROUP_DEPTH = "redis.group.depth";
    public static final String REDIS_STREAM_PREFIX = "redis.stream.prefix";
    public static final String REDIS_STREAM_MAXLEN = "redis.stream.maxlen";
    public static final String REDIS_LATEST_PREFIX = "redis.latest.prefix";
    public static final String REDIS_VALUE_DIGITS = "redis.value.digits";
    public static final String REDIS_LINGER_MS = "redis.linger.ms";
    public static final String REDIS_RETRY_INITIAL_MS = "redis.retry.initial.ms";
    public static final String REDIS_RETRY_MAX_MS = "redis.retry.max.ms";
    public static final String REDIS_TIMEOUT_MS = "redis.timeout.ms";
    public static final String REDIS_BUFFER_MAX_BYTES = "redis.buffer.max.bytes";

    // ---- websocket-sink: the Pusher-protocol push service
    public static final String WEBSOCKET_HOST = "websocket.host";
    public static final String WEBSOCKET_PORT = "websocket.port";
    public static final String PUSHER_APP_ID = "pusher.app.id";
    public static final String PUSHER_APP_KEY = "pusher.app.key";
    public static final String PUSHER_APP_SECRET = "pusher.app.secret";
    public static final String PUSHER_APP_CLIENT_MESSAGES = "pusher.app.client.messages";
    public static final String PUSHER_APP_MAX_CLIENT_EVENTS_PER_S =
            "pusher.app.max.client.events.per.s";
    public static final String PUSHER_APP_MAX_PRESENCE_MEMBERS = "pusher.app.max.presence.members";
    public static final String PUSHER_APP_MAX_PRESENCE_MEMBER_KB =
            "pusher.app.max.presence.member.kb";
    public static final String PUSHER_APP_WEBHOOKS = "pusher.app.webhooks";
    public static final String PUSHER_APPS_FILE = "pusher.apps.file";
    public static final String WEBSOCKET_WINDOWS = "websocket.windows";
    public static final String WEBSOCKET_CHANNEL = "websocket.channel";
    public static final String WEBSOCKET_EVENT = "websocket.event";
    public static final String WEBSOCKET_ACTIVITY_TIMEOUT_S = "websocket.activity.timeout.s";
    public static final String WEBSOCKET_PONG_TIMEOUT_MS = "websocket.pong.timeout.ms";
    public static final String WEBSOCKET_CLOSE_GRACE_MS = "websocket.close.grace.ms";
    public static final String WEBSOCKET_MAX_MESSAGE_BYTES = "websocket.max.message.bytes";
    public static final String WEBSOCKET_MAX_CONNECTIONS = "websocket.max.connections";
    public static final String WEBSOCKET_MAX_SUBSCRIPTIONS = "websocket.max.subscriptions";
    public static final String WEBSOCKET_MAX_CLIENT_MESSAGES_PER_S =
            "websocket.max.client.messages.per.s";
    public static final String WEBSOCKET_ALLOWED_ORIGINS = "websocket.allowed.origins";
    public static final String WEBSOCKET_QUEUE_MAX_MESSAGES = "websocket.queue.max.messages";
    public static final String WEBSOCKET_EVENTS_STREAM = "websocket.events.stream";
    public static final String WEBSOCKET_READ_BLOCK_MS = "websocket.read.block.ms";
    public static final String WEBSOCKET_READ_COUNT = "websocket.read.count";
    public static final String WEBSOCKET_THREADS_MAX = "websocket.threads.max";
    public static final String WEBSOCKET_THREADS_MIN = "websocket.threads.min";
    public static final String WEBSOCKET_CATCHUP_THREADS = "websocket.catchup.threads";
    public static final String WEBSOCKET_FANOUT_THREADS = "websocket.fanout.threads";
    public static final String WEBSOCKET_REDIS_POOL_SIZE = "websocket.redis.pool.size";
    public static final String WEBSOCKET_CLUSTER_PREFIX = "websocket.cluster.prefix";
    public static final String WEBSOCKET_INSTANCE_TIMEOUT_MS = "websocket.instance.timeout.ms";
    public static final String WEBSOCKET_CACHE_TTL_S = "websocket.cache.ttl.s";
    public static final String WEBSOCKET_CORS_ORIGINS = "websocket.cors.origins";
    public static final String WEBHOOK_BATCH_MS = "webhook.batch.ms";
    public static final String WEBHOOK_QUEUE_MAX = "webhook.queue.max";
    public static final String WEBHOOK_RETRIES = "webhook.retries";
    public static final String WEBHOOK_TIMEOUT_MS = "webhook.timeout.ms";

    // ---- History API (websocket-sink)
    public static final String HISTORY_MAX_ROWS = "history.max.rows";
    public static final String HISTORY_MAX_RANGE = "history.max.range";
    public static final String HISTORY_POOL_SIZE = "history.pool.size";
}
