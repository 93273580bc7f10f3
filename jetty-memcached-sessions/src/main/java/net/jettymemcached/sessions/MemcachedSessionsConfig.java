package net.jettymemcached.sessions;

import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.config.ConfigValues;
import net.jettymemcached.sessions.config.InvalidConfigurationException;
import net.jettymemcached.sessions.config.Property;

/**
 * The module's settings as they are written: one setter per {@code jetty.session.memcached.*} property, for Jetty
 * XML and for embedded servers. Nothing here is interpreted; {@link MemcachedSettings#parse} turns these values into
 * typed, immutable settings once, and a bad value stops Jetty at start-up with a message naming the property. The
 * defaults come from {@link Property}.
 * <p>
 * The text setters, used by Jetty XML with the ini's values, are strict: {@code yes} or {@code 1O00} stop Jetty with
 * the property's name instead of silently meaning false or failing with a bare {@code NumberFormatException}.
 */
public class MemcachedSessionsConfig
{
    /** The prefix of every property: {@link Property#PREFIX}. */
    public static final String PREFIX = Property.PREFIX;

    private String nodes = Property.NODES.defaultValue();
    private String failoverNodes = Property.FAILOVER_NODES.defaultValue();
    private String retiredNodes = Property.RETIRED_NODES.defaultValue();
    private boolean sticky = Property.STICKY.defaultBoolean();
    private long operationTimeoutMillis = Property.OPERATION_TIMEOUT.defaultInt();
    private boolean backupAsync = Property.BACKUP_ASYNC.defaultBoolean();
    private String keyPrefix = Property.KEY_PREFIX.defaultValue();
    private String protocol = Property.PROTOCOL.defaultValue();
    private String username = Property.USERNAME.defaultValue();
    private String password = Property.PASSWORD.defaultValue();
    private String saslMechanism = Property.SASL_MECHANISM.defaultValue();
    private long nodeProbeIntervalMillis = Property.NODE_PROBE_INTERVAL.defaultInt();
    private int asyncQueueCapacity = Property.ASYNC_QUEUE_CAPACITY.defaultInt();
    private long asyncQueueBytes = Property.ASYNC_QUEUE_BYTES.defaultInt();
    private long asyncStopTimeoutMillis = Property.ASYNC_STOP_TIMEOUT.defaultInt();
    private long stickyRevalidateMillis = Property.STICKY_REVALIDATE.defaultInt();
    private boolean trackTouchedAttributes = Property.TRACK_TOUCHED_ATTRIBUTES.defaultBoolean();
    private String lockingMode = Property.LOCKING_MODE.defaultValue();
    private long lockTimeoutMillis = Property.LOCK_TIMEOUT.defaultInt();
    private int lockExpirationSeconds = Property.LOCK_EXPIRATION.defaultInt();
    private String lockTimeoutAction = Property.LOCK_TIMEOUT_ACTION.defaultValue();
    private long lockAutoMaxPaths = Property.LOCK_AUTO_MAX_PATHS.defaultInt();
    private String ignorePattern = Property.IGNORE_PATTERN.defaultValue();
    private String serializer = Property.SERIALIZER.defaultValue();
    private int compressionThresholdBytes = Property.COMPRESSION_THRESHOLD.defaultInt();
    private int maxSessionSizeBytes = Property.MAX_SESSION_SIZE.defaultInt();
    private String signingKey = Property.SIGNING_KEY.defaultValue();
    private String deserializationFilter = DeserializationFilters.DEFAULT_PATTERN;
    /** Jetty's store periods ({@code jetty.session.gracePeriod.seconds}, {@code jetty.session.savePeriod.seconds}). */
    private int gracePeriodSec = 3600;
    private int savePeriodSec = 0;

    /**
     * Checks every value.
     *
     * @throws InvalidConfigurationException naming the first bad property
     */
    public MemcachedSessionsConfig validate()
    {
        MemcachedSettings.parse(this);
        return this;
    }

    public String getNodes() { return nodes; }
    public void setNodes(String nodes) { this.nodes = nodes; }

    public String getFailoverNodes() { return failoverNodes; }
    public void setFailoverNodes(String failoverNodes) { this.failoverNodes = failoverNodes == null ? "" : failoverNodes; }
    public String getRetiredNodes() { return retiredNodes; }
    public void setRetiredNodes(String retiredNodes) { this.retiredNodes = retiredNodes == null ? "" : retiredNodes; }

    public boolean isSticky() { return sticky; }
    public void setSticky(boolean sticky) { this.sticky = sticky; }
    public void setSticky(String value) { setSticky(ConfigValues.bool(Property.STICKY.key(), value)); }

    public long getLockAutoMaxPaths() { return lockAutoMaxPaths; }
    public void setLockAutoMaxPaths(long paths) { this.lockAutoMaxPaths = paths; }
    public void setLockAutoMaxPaths(String value) { setLockAutoMaxPaths(ConfigValues.number(Property.LOCK_AUTO_MAX_PATHS.key(), value)); }
    public long getAsyncQueueBytes() { return asyncQueueBytes; }
    public void setAsyncQueueBytes(long bytes) { this.asyncQueueBytes = bytes; }
    public void setAsyncQueueBytes(String value) { setAsyncQueueBytes(ConfigValues.number(Property.ASYNC_QUEUE_BYTES.key(), value)); }
    public long getAsyncStopTimeoutMillis() { return asyncStopTimeoutMillis; }
    public void setAsyncStopTimeoutMillis(long millis) { this.asyncStopTimeoutMillis = millis; }
    public void setAsyncStopTimeoutMillis(String value) { setAsyncStopTimeoutMillis(ConfigValues.number(Property.ASYNC_STOP_TIMEOUT.key(), value)); }
    public long getStickyRevalidateMillis() { return stickyRevalidateMillis; }
    public void setStickyRevalidateMillis(long millis) { this.stickyRevalidateMillis = millis; }
    public void setStickyRevalidateMillis(String value) { setStickyRevalidateMillis(ConfigValues.number(Property.STICKY_REVALIDATE.key(), value)); }
    public long getOperationTimeoutMillis() { return operationTimeoutMillis; }
    public void setOperationTimeoutMillis(long millis) { this.operationTimeoutMillis = millis; }
    public void setOperationTimeoutMillis(String value) { setOperationTimeoutMillis(ConfigValues.number(Property.OPERATION_TIMEOUT.key(), value)); }

    public boolean isTrackTouchedAttributes() { return trackTouchedAttributes; }
    public void setTrackTouchedAttributes(boolean track) { this.trackTouchedAttributes = track; }
    public void setTrackTouchedAttributes(String value) { setTrackTouchedAttributes(ConfigValues.bool(Property.TRACK_TOUCHED_ATTRIBUTES.key(), value)); }

    public boolean isBackupAsync() { return backupAsync; }
    public void setBackupAsync(boolean backupAsync) { this.backupAsync = backupAsync; }
    public void setBackupAsync(String value) { setBackupAsync(ConfigValues.bool(Property.BACKUP_ASYNC.key(), value)); }

    public String getKeyPrefix() { return keyPrefix; }
    public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix == null ? "" : keyPrefix.trim(); }

    public String getProtocol() { return protocol; }
    public void setProtocol(String protocol) { this.protocol = protocol; }

    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username == null ? "" : username; }

    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password == null ? "" : password; }

    public String getSaslMechanism() { return saslMechanism; }
    /** {@code PLAIN} or {@code CRAM-MD5}: the one SASL mechanism the nodes are logged in with. */
    public void setSaslMechanism(String saslMechanism) { this.saslMechanism = saslMechanism; }

    public long getNodeProbeIntervalMillis() { return nodeProbeIntervalMillis; }
    public void setNodeProbeIntervalMillis(long millis) { this.nodeProbeIntervalMillis = millis; }
    public void setNodeProbeIntervalMillis(String value) { setNodeProbeIntervalMillis(ConfigValues.number(Property.NODE_PROBE_INTERVAL.key(), value)); }

    public int getAsyncQueueCapacity() { return asyncQueueCapacity; }
    public void setAsyncQueueCapacity(int capacity) { this.asyncQueueCapacity = capacity; }
    public void setAsyncQueueCapacity(String value) { setAsyncQueueCapacity((int)ConfigValues.number(Property.ASYNC_QUEUE_CAPACITY.key(), value)); }

    public String getLockingMode() { return lockingMode; }
    public void setLockingMode(String lockingMode) { this.lockingMode = lockingMode == null ? Property.LOCKING_MODE.defaultValue() : lockingMode.trim(); }

    public long getLockTimeoutMillis() { return lockTimeoutMillis; }
    public void setLockTimeoutMillis(long millis) { this.lockTimeoutMillis = millis; }
    public void setLockTimeoutMillis(String value) { setLockTimeoutMillis(ConfigValues.number(Property.LOCK_TIMEOUT.key(), value)); }

    public int getLockExpirationSeconds() { return lockExpirationSeconds; }
    public void setLockExpirationSeconds(int seconds) { this.lockExpirationSeconds = seconds; }
    public void setLockExpirationSeconds(String value) { setLockExpirationSeconds((int)ConfigValues.number(Property.LOCK_EXPIRATION.key(), value)); }

    public String getLockTimeoutAction() { return lockTimeoutAction; }
    public void setLockTimeoutAction(String action) { this.lockTimeoutAction = action == null ? Property.LOCK_TIMEOUT_ACTION.defaultValue() : action.trim(); }

    public String getIgnorePattern() { return ignorePattern; }
    public void setIgnorePattern(String pattern) { this.ignorePattern = pattern == null ? "" : pattern; }

    public String getSerializer() { return serializer; }
    public void setSerializer(String serializer) { this.serializer = serializer == null || serializer.isBlank() ? Property.SERIALIZER.defaultValue() : serializer.trim(); }

    public int getCompressionThresholdBytes() { return compressionThresholdBytes; }
    public void setCompressionThresholdBytes(int bytes) { this.compressionThresholdBytes = bytes; }
    public void setCompressionThresholdBytes(String value) { setCompressionThresholdBytes((int)ConfigValues.number(Property.COMPRESSION_THRESHOLD.key(), value)); }

    public int getMaxSessionSizeBytes() { return maxSessionSizeBytes; }
    public void setMaxSessionSizeBytes(int bytes) { this.maxSessionSizeBytes = bytes; }
    public void setMaxSessionSizeBytes(String value) { setMaxSessionSizeBytes((int)ConfigValues.number(Property.MAX_SESSION_SIZE.key(), value)); }

    /** @return the comma-separated HMAC keys (secret: never log it); empty when values are not signed */
    public String getSigningKey() { return signingKey; }
    public void setSigningKey(String keys) { this.signingKey = keys == null ? "" : keys.trim(); }

    public String getDeserializationFilter() { return deserializationFilter; }
    /** @param pattern a JDK {@code ObjectInputFilter} pattern; empty means {@link DeserializationFilters#DEFAULT_PATTERN} */
    public void setDeserializationFilter(String pattern) { this.deserializationFilter = pattern == null || pattern.isBlank() ? DeserializationFilters.DEFAULT_PATTERN : pattern.trim(); }

    public int getGracePeriodSec() { return gracePeriodSec; }
    public void setGracePeriodSec(int seconds) { this.gracePeriodSec = seconds; }
    public void setGracePeriodSec(String value) { setGracePeriodSec((int)ConfigValues.number("jetty.session.gracePeriod.seconds", value)); }

    public int getSavePeriodSec() { return savePeriodSec; }
    public void setSavePeriodSec(int seconds) { this.savePeriodSec = seconds; }
    public void setSavePeriodSec(String value) { setSavePeriodSec((int)ConfigValues.number("jetty.session.savePeriod.seconds", value)); }
}
