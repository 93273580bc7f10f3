package net.jettymemcached.sessions.config;

/**
 * Every configuration property of the module with its default: the one place defaults are written. The ini template,
 * the module's XML and the README's configuration table repeat them for operators; a test checks that all four name
 * the same properties with the same defaults.
 */
public enum Property
{
    NODES("nodes", "n1:localhost:11211"),
    FAILOVER_NODES("failoverNodes", ""),
    RETIRED_NODES("retiredNodes", ""),
    STICKY("sticky", "true"),
    OPERATION_TIMEOUT("operationTimeout.millis", "1000"),
    BACKUP_ASYNC("backupAsync", "true"),
    KEY_PREFIX("keyPrefix", ""),
    PROTOCOL("protocol", "text"),
    USERNAME("username", ""),
    PASSWORD("password", ""),
    SASL_MECHANISM("saslMechanism", "PLAIN"),
    NODE_PROBE_INTERVAL("nodeProbeInterval.millis", "1000"),
    ASYNC_QUEUE_CAPACITY("asyncQueueCapacity", "10000"),
    ASYNC_QUEUE_BYTES("asyncQueueBytes", "67108864"),
    ASYNC_STOP_TIMEOUT("asyncStopTimeout.millis", "5000"),
    STICKY_REVALIDATE("stickyRevalidate.millis", "1000"),
    TRACK_TOUCHED_ATTRIBUTES("trackTouchedAttributes", "true"),
    LOCKING_MODE("lockingMode", "none"),
    LOCK_TIMEOUT("lockTimeout.millis", "2000"),
    LOCK_EXPIRATION("lockExpiration.seconds", "30"),
    LOCK_TIMEOUT_ACTION("lockTimeoutAction", "proceed"),
    LOCK_AUTO_MAX_PATHS("lockAutoMaxPaths", "10000"),
    IGNORE_PATTERN("ignorePattern", ".*\\.(ico|png|gif|jpg|jpeg|svg|css|js|woff2?)$"),
    SERIALIZER("serializer", "protostuff"),
    COMPRESSION_THRESHOLD("compressionThreshold.bytes", "16384"),
    MAX_SESSION_SIZE("maxSessionSize.bytes", "1000000"),
    SIGNING_KEY("signingKey", ""),
    /** Empty means the built-in deny-list with caps (the codec's default pattern). */
    DESERIALIZATION_FILTER("deserializationFilter", "");

    /** The prefix of every property of this module. */
    public static final String PREFIX = "jetty.session.memcached.";

    private final String key;
    private final String defaultValue;

    Property(String suffix, String defaultValue)
    {
        this.key = PREFIX + suffix;
        this.defaultValue = defaultValue;
    }

    /** @return the full property name, e.g. {@code jetty.session.memcached.nodes} */
    public String key()
    {
        return key;
    }

    /** @return the default as it is written in the ini file */
    public String defaultValue()
    {
        return defaultValue;
    }

    /** @return the default as a whole number (for numeric properties) */
    public int defaultInt()
    {
        return Integer.parseInt(defaultValue);
    }

    /** @return the default as a boolean (for boolean properties) */
    public boolean defaultBoolean()
    {
        return Boolean.parseBoolean(defaultValue);
    }

    @Override
    public String toString()
    {
        return key;
    }
}
