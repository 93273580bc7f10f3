package net.jettymemcached.sessions.config;

import java.util.Locale;

import net.jettymemcached.sessions.node.NodeList;

/**
 * The module's settings, one setter per {@code jetty.session.memcached.*} property. Values are checked by
 * {@link #validate()} so that a bad ini value stops Jetty at start-up with a message naming the property.
 */
public class MemcachedSessionsConfig
{
    public static final String PREFIX = "jetty.session.memcached.";

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
}
