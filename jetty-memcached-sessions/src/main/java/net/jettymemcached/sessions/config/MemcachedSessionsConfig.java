package net.jettymemcached.sessions.config;

import java.util.Locale;

import net.jettymemcached.sessions.format.AttributeCodecs;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.security.Signer;
import net.jettymemcached.sessions.node.NodeList;

/**
 * The module's settings, one setter per {@code jetty.session.memcached.*} property. Values are checked by
 * {@link #validate()} so that a bad ini value stops Jetty at start-up with a message naming the property.
 */
public class MemcachedSessionsConfig
{
    public static final String PREFIX = "jetty.session.memcached.";
    public static final String DEFAULT_IGNORE_PATTERN = ".*\\.(ico|png|gif|jpg|jpeg|svg|css|js|woff2?)$";

    private String nodes = "n1:localhost:11211";
    private String failoverNodes = "";
    private boolean sticky = true;
    private long operationTimeoutMillis = 1000;
    private boolean backupAsync = true;
    private String keyPrefix = "";
    private String protocol = "text";
    private String username = "";
    private String password = "";
    private long nodeProbeIntervalMillis = 1000;
    private int asyncQueueCapacity = 10_000;
    // Non-sticky mode: locking and requests that skip sessions.
    private String lockingMode = "none";
    private long lockTimeoutMillis = 2000;
    private int lockExpirationSeconds = 30;
    private String lockTimeoutAction = "proceed";
    private String ignorePattern = DEFAULT_IGNORE_PATTERN;

    /** @return the parsed node list; throws {@link InvalidConfigurationException} for a bad value */
    public NodeList nodeList()
    {
        return NodeList.parse(nodes, failoverNodes);
    }

    /** Checks every value; throws {@link InvalidConfigurationException} naming the first bad property. */
    public MemcachedSessionsConfig validate()
    {
        nodeList();
        if (operationTimeoutMillis <= 0)
            throw new InvalidConfigurationException(PREFIX + "operationTimeout.millis", String.valueOf(operationTimeoutMillis), "must be a positive number of milliseconds");
        if (nodeProbeIntervalMillis <= 0)
            throw new InvalidConfigurationException(PREFIX + "nodeProbeInterval.millis", String.valueOf(nodeProbeIntervalMillis), "must be a positive number of milliseconds");
        if (asyncQueueCapacity <= 0)
            throw new InvalidConfigurationException(PREFIX + "asyncQueueCapacity", String.valueOf(asyncQueueCapacity), "must be positive");
        String p = protocol == null ? "" : protocol.trim().toLowerCase(Locale.ROOT);
        if (!p.equals("text") && !p.equals("binary"))
            throw new InvalidConfigurationException(PREFIX + "protocol", protocol, "must be 'text' or 'binary'");
        if (!username.isEmpty() && !p.equals("binary"))
            throw new InvalidConfigurationException(PREFIX + "username", username, "SASL authentication needs " + PREFIX + "protocol=binary");
        if (keyPrefix.length() > 64 || !keyPrefix.chars().allMatch(c -> c > 32 && c < 127))
            throw new InvalidConfigurationException(PREFIX + "keyPrefix", keyPrefix, "must be at most 64 printable ASCII characters without spaces");
        validateRequestHandling();
        validateStoredValues();
        return this;
    }

    public String getNodes() { return nodes; }
    public void setNodes(String nodes) { this.nodes = nodes; }

    public String getFailoverNodes() { return failoverNodes; }
    public void setFailoverNodes(String failoverNodes) { this.failoverNodes = failoverNodes == null ? "" : failoverNodes; }

    public boolean isSticky() { return sticky; }
    public void setSticky(boolean sticky) { this.sticky = sticky; }

    public long getOperationTimeoutMillis() { return operationTimeoutMillis; }
    public void setOperationTimeoutMillis(long millis) { this.operationTimeoutMillis = millis; }

    public boolean isBackupAsync() { return backupAsync; }
    public void setBackupAsync(boolean backupAsync) { this.backupAsync = backupAsync; }

    public String getKeyPrefix() { return keyPrefix; }
    public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix == null ? "" : keyPrefix.trim(); }

    public String getProtocol() { return protocol; }
    public void setProtocol(String protocol) { this.protocol = protocol; }

    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username == null ? "" : username; }

    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password == null ? "" : password; }

    public long getNodeProbeIntervalMillis() { return nodeProbeIntervalMillis; }
    public void setNodeProbeIntervalMillis(long millis) { this.nodeProbeIntervalMillis = millis; }

    public int getAsyncQueueCapacity() { return asyncQueueCapacity; }
    public void setAsyncQueueCapacity(int capacity) { this.asyncQueueCapacity = capacity; }

    private void validateRequestHandling()
    {
        net.jettymemcached.sessions.lock.LockingMode.parse(lockingMode);
        net.jettymemcached.sessions.lock.PathPattern.compile(PREFIX + "ignorePattern", ignorePattern);
        if (lockTimeoutMillis < 0)
            throw new InvalidConfigurationException(PREFIX + "lockTimeout.millis", String.valueOf(lockTimeoutMillis), "must not be negative");
        if (lockExpirationSeconds <= 0)
            throw new InvalidConfigurationException(PREFIX + "lockExpiration.seconds", String.valueOf(lockExpirationSeconds), "must be a positive number of seconds");
        net.jettymemcached.sessions.lock.LockTimeoutAction.parse(lockTimeoutAction);
    }

    public String getLockingMode() { return lockingMode; }
    public void setLockingMode(String lockingMode) { this.lockingMode = lockingMode == null ? "none" : lockingMode.trim(); }

    public long getLockTimeoutMillis() { return lockTimeoutMillis; }
    public void setLockTimeoutMillis(long millis) { this.lockTimeoutMillis = millis; }

    public int getLockExpirationSeconds() { return lockExpirationSeconds; }
    public void setLockExpirationSeconds(int seconds) { this.lockExpirationSeconds = seconds; }

    public String getLockTimeoutAction() { return lockTimeoutAction; }
    public void setLockTimeoutAction(String action) { this.lockTimeoutAction = action == null ? "proceed" : action.trim(); }

    public String getIgnorePattern() { return ignorePattern; }
    public void setIgnorePattern(String pattern) { this.ignorePattern = pattern == null ? "" : pattern; }

    // Text forms, used by Jetty XML with the ini's values: parsed strictly, so that "yes" or "1O00" stop Jetty
    // with the property's name instead of silently meaning false or failing with a bare NumberFormatException.

    public void setSticky(String value) { setSticky(ConfigValues.bool(PREFIX + "sticky", value)); }

    public void setBackupAsync(String value) { setBackupAsync(ConfigValues.bool(PREFIX + "backupAsync", value)); }

    public void setOperationTimeoutMillis(String value) { setOperationTimeoutMillis(ConfigValues.number(PREFIX + "operationTimeout.millis", value)); }

    public void setNodeProbeIntervalMillis(String value) { setNodeProbeIntervalMillis(ConfigValues.number(PREFIX + "nodeProbeInterval.millis", value)); }

    public void setAsyncQueueCapacity(String value) { setAsyncQueueCapacity((int)ConfigValues.number(PREFIX + "asyncQueueCapacity", value)); }

    public void setLockTimeoutMillis(String value) { setLockTimeoutMillis(ConfigValues.number(PREFIX + "lockTimeout.millis", value)); }

    public void setLockExpirationSeconds(String value) { setLockExpirationSeconds((int)ConfigValues.number(PREFIX + "lockExpiration.seconds", value)); }

    // Stored values (codec package): serializer, compression, size limit, signing, deserialization filter.

    private String serializer = "protostuff";
    private int compressionThresholdBytes = SessionEnvelope.DEFAULT_COMPRESSION_THRESHOLD;
    private int maxSessionSizeBytes = SessionEnvelope.DEFAULT_MAX_SESSION_SIZE;
    private String signingKey = "";
    private String deserializationFilter = DeserializationFilters.DEFAULT_PATTERN;

    private void validateStoredValues()
    {
        try
        {
            AttributeCodecs.of(serializer, DeserializationFilters.parse(null));
        }
        catch (IllegalArgumentException x)
        {
            throw new InvalidConfigurationException(PREFIX + "serializer", serializer, x.getMessage());
        }
        if (compressionThresholdBytes < 0)
            throw new InvalidConfigurationException(PREFIX + "compressionThreshold.bytes", String.valueOf(compressionThresholdBytes), "must not be negative");
        if (maxSessionSizeBytes <= 0 || maxSessionSizeBytes > SessionEnvelope.MAX_SESSION_SIZE)
            throw new InvalidConfigurationException(PREFIX + "maxSessionSize.bytes", String.valueOf(maxSessionSizeBytes), "must be from 1 to " + SessionEnvelope.MAX_SESSION_SIZE);
        try
        {
            Signer.parse(signingKey);
        }
        catch (IllegalArgumentException x)
        {
            throw new InvalidConfigurationException(PREFIX + "signingKey", "(not shown)", x.getMessage());
        }
        try
        {
            DeserializationFilters.parse(deserializationFilter);
        }
        catch (IllegalArgumentException x)
        {
            throw new InvalidConfigurationException(PREFIX + "deserializationFilter", deserializationFilter, "not a JDK ObjectInputFilter pattern: " + x.getMessage());
        }
    }

    public String getSerializer() { return serializer; }
    public void setSerializer(String serializer) { this.serializer = serializer == null || serializer.isBlank() ? "protostuff" : serializer.trim(); }

    public int getCompressionThresholdBytes() { return compressionThresholdBytes; }
    public void setCompressionThresholdBytes(int bytes) { this.compressionThresholdBytes = bytes; }
    public void setCompressionThresholdBytes(String value) { setCompressionThresholdBytes((int)ConfigValues.number(PREFIX + "compressionThreshold.bytes", value)); }

    public int getMaxSessionSizeBytes() { return maxSessionSizeBytes; }
    public void setMaxSessionSizeBytes(int bytes) { this.maxSessionSizeBytes = bytes; }
    public void setMaxSessionSizeBytes(String value) { setMaxSessionSizeBytes((int)ConfigValues.number(PREFIX + "maxSessionSize.bytes", value)); }

    /** @return the comma-separated HMAC keys (secret: never log it); empty when values are not signed */
    public String getSigningKey() { return signingKey; }
    public void setSigningKey(String keys) { this.signingKey = keys == null ? "" : keys.trim(); }

    public String getDeserializationFilter() { return deserializationFilter; }
    /** @param pattern a JDK {@code ObjectInputFilter} pattern; empty means {@link DeserializationFilters#DEFAULT_PATTERN} */
    public void setDeserializationFilter(String pattern) { this.deserializationFilter = pattern == null || pattern.isBlank() ? DeserializationFilters.DEFAULT_PATTERN : pattern.trim(); }
}
