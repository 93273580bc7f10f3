package net.jettymemcached.sessions;

import java.io.ObjectInputFilter;
import java.time.Duration;
import java.util.Locale;

import net.jettymemcached.sessions.format.AttributeCodecs;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.security.Signer;
import net.jettymemcached.sessions.config.InvalidConfigurationException;
import net.jettymemcached.sessions.config.Property;
import net.jettymemcached.sessions.lock.LockTimeoutAction;
import net.jettymemcached.sessions.lock.LockingMode;
import net.jettymemcached.sessions.lock.PathPattern;
import net.jettymemcached.sessions.memcached.Protocol;
import net.jettymemcached.sessions.memcached.SaslCredentials;
import net.jettymemcached.sessions.memcached.SaslMechanism;
import net.jettymemcached.sessions.node.NodeList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The module's settings, parsed once from a {@link MemcachedSessionsConfig} into typed, immutable values: the node
 * list, durations, sizes, enums and compiled patterns every component takes as it is. A bad value is refused here,
 * with one message naming its property, so nothing later parses text again.
 *
 * @param sasl             who logs in to the nodes and how, or null without authentication (no username)
 * @param lockingMode      {@code none} in sticky mode, whatever is configured (locking is non-sticky only)
 * @param ignorePattern    the paths that skip sessions, or null when the pattern is blank
 * @param signer           signs and verifies stored values, or null when values are not signed
 * @param gracePeriodSec   Jetty's store grace period
 * @param savePeriodSec    Jetty's store save period
 * @param stickyRevalidate how long a sticky Jetty serves a cached copy before confirming it current; zero: every
 *                         request; negative: never (the cookie's worker suffix decides, as msm does)
 * @param trackTouchedAttributes whether only the attributes a request touched are checked for changes at its end
 */
public record MemcachedSettings(NodeList nodes, boolean sticky, Duration operationTimeout, boolean backupAsync,
                                String keyPrefix, Protocol protocol, SaslCredentials sasl,
                                Duration nodeProbeInterval, int asyncQueueCapacity, LockingMode lockingMode,
                                Duration lockTimeout, Duration lockExpiration, LockTimeoutAction lockTimeoutAction,
                                PathPattern ignorePattern, ObjectInputFilter deserializationFilter, AttributeCodecs codecs,
                                int compressionThresholdBytes, int maxSessionSizeBytes, Signer signer,
                                int gracePeriodSec, int savePeriodSec, long asyncQueueBytes, Duration asyncStopTimeout,
                                Duration stickyRevalidate, int lockAutoMaxPaths, boolean trackTouchedAttributes)
{
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedSettings.class);

    /**
     * @throws InvalidConfigurationException naming the first bad property; it is also logged as one line, because
     *                                       Jetty prints the exception among many stack frames
     */
    public static MemcachedSettings parse(MemcachedSessionsConfig config)
    {
        try
        {
            return parseValues(config);
        }
        catch (InvalidConfigurationException x)
        {
            LOG.error("memcached-sessions cannot start: {}", x.getMessage());
            throw x;
        }
    }

    private static MemcachedSettings parseValues(MemcachedSessionsConfig c)
    {
        NodeList nodes = NodeList.parse(c.getNodes(), c.getFailoverNodes(), c.getRetiredNodes());
        Duration operationTimeout = positiveMillis(Property.OPERATION_TIMEOUT, c.getOperationTimeoutMillis());
        Duration probeInterval = positiveMillis(Property.NODE_PROBE_INTERVAL, c.getNodeProbeIntervalMillis());
        if (c.getAsyncQueueCapacity() <= 0)
            throw invalid(Property.ASYNC_QUEUE_CAPACITY, c.getAsyncQueueCapacity(), "must be positive");
        Protocol protocol = protocol(c.getProtocol());
        SaslCredentials sasl = sasl(c, protocol);
        String keyPrefix = c.getKeyPrefix();
        if (keyPrefix.length() > 64 || !keyPrefix.chars().allMatch(ch -> ch > 32 && ch < 127))
            throw new InvalidConfigurationException(Property.KEY_PREFIX.key(), keyPrefix, "must be at most 64 printable ASCII characters without spaces");

        if (c.getAsyncQueueBytes() <= 0)
            throw invalid(Property.ASYNC_QUEUE_BYTES, c.getAsyncQueueBytes(), "must be positive");
        if (c.getAsyncStopTimeoutMillis() < 0)
            throw invalid(Property.ASYNC_STOP_TIMEOUT, c.getAsyncStopTimeoutMillis(), "must not be negative");
        if (c.getStickyRevalidateMillis() < -1)
            throw invalid(Property.STICKY_REVALIDATE, c.getStickyRevalidateMillis(), "must be -1 (never), 0 (every request) or a number of milliseconds");
        if (c.getLockAutoMaxPaths() <= 0 || c.getLockAutoMaxPaths() > 10_000_000)
            throw invalid(Property.LOCK_AUTO_MAX_PATHS, c.getLockAutoMaxPaths(), "must be from 1 to 10000000");
        LockingMode lockingMode = LockingMode.parse(c.getLockingMode());
        PathPattern ignore = PathPattern.compile(Property.IGNORE_PATTERN.key(), c.getIgnorePattern());
        if (c.getLockTimeoutMillis() < 0)
            throw invalid(Property.LOCK_TIMEOUT, c.getLockTimeoutMillis(), "must not be negative");
        if (c.getLockExpirationSeconds() < 2)
            throw invalid(Property.LOCK_EXPIRATION, c.getLockExpirationSeconds(), "must be at least 2 seconds (memcached may expire a 1-second item after a few milliseconds)");
        if (c.getLockExpirationSeconds() > 2_592_000)
            throw invalid(Property.LOCK_EXPIRATION, c.getLockExpirationSeconds(), "must be at most 2592000 seconds (30 days; memcached reads more as a date)");
        LockTimeoutAction timeoutAction = LockTimeoutAction.parse(c.getLockTimeoutAction());

        ObjectInputFilter filter;
        try
        {
            filter = DeserializationFilters.parse(c.getDeserializationFilter());
        }
        catch (IllegalArgumentException x)
        {
            throw new InvalidConfigurationException(Property.DESERIALIZATION_FILTER.key(), c.getDeserializationFilter(), "not a JDK ObjectInputFilter pattern: " + x.getMessage());
        }
        AttributeCodecs codecs;
        try
        {
            // The codecs read Java-serialized values through the configured filter.
            codecs = AttributeCodecs.of(c.getSerializer(), filter);
        }
        catch (IllegalArgumentException x)
        {
            throw new InvalidConfigurationException(Property.SERIALIZER.key(), c.getSerializer(), x.getMessage());
        }
        if (c.getCompressionThresholdBytes() < 0)
            throw invalid(Property.COMPRESSION_THRESHOLD, c.getCompressionThresholdBytes(), "must not be negative");
        if (c.getMaxSessionSizeBytes() <= 0 || c.getMaxSessionSizeBytes() > SessionEnvelope.MAX_SESSION_SIZE)
            throw invalid(Property.MAX_SESSION_SIZE, c.getMaxSessionSizeBytes(), "must be from 1 to " + SessionEnvelope.MAX_SESSION_SIZE);
        Signer signer;
        try
        {
            signer = Signer.parse(c.getSigningKey());
        }
        catch (IllegalArgumentException x)
        {
            throw new InvalidConfigurationException(Property.SIGNING_KEY.key(), "(not shown)", x.getMessage());
        }

        return new MemcachedSettings(nodes, c.isSticky(), operationTimeout, c.isBackupAsync(), keyPrefix, protocol,
            sasl, probeInterval, c.getAsyncQueueCapacity(),
            c.isSticky() ? LockingMode.NONE : lockingMode, Duration.ofMillis(c.getLockTimeoutMillis()),
            Duration.ofSeconds(c.getLockExpirationSeconds()), timeoutAction, ignore, filter, codecs,
            c.getCompressionThresholdBytes(), c.getMaxSessionSizeBytes(), signer, c.getGracePeriodSec(), c.getSavePeriodSec(),
            c.getAsyncQueueBytes(), Duration.ofMillis(c.getAsyncStopTimeoutMillis()), Duration.ofMillis(c.getStickyRevalidateMillis()),
            (int)c.getLockAutoMaxPaths(), c.isTrackTouchedAttributes());
    }

    private static Protocol protocol(String value)
    {
        String p = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (p)
        {
            case "text" -> Protocol.TEXT;
            case "binary" -> Protocol.BINARY;
            default -> throw new InvalidConfigurationException(Property.PROTOCOL.key(), value, "must be 'text' or 'binary'");
        };
    }

    /** A username turns SASL on; a password alone would silently mean nothing, so it is refused. */
    private static SaslCredentials sasl(MemcachedSessionsConfig c, Protocol protocol)
    {
        SaslMechanism mechanism;
        try
        {
            mechanism = SaslMechanism.parse(c.getSaslMechanism());
        }
        catch (IllegalArgumentException x)
        {
            throw new InvalidConfigurationException(Property.SASL_MECHANISM.key(), c.getSaslMechanism(), x.getMessage());
        }
        if (c.getUsername().isEmpty())
        {
            if (!c.getPassword().isEmpty())
                throw new InvalidConfigurationException(Property.PASSWORD.key(), "(not shown)", "a password needs " + Property.USERNAME.key());
            return null;
        }
        if (protocol != Protocol.BINARY)
            throw new InvalidConfigurationException(Property.USERNAME.key(), c.getUsername(), "SASL authentication needs " + Property.PROTOCOL.key() + "=binary");
        return new SaslCredentials(mechanism, c.getUsername(), c.getPassword());
    }

    private static Duration positiveMillis(Property property, long millis)
    {
        if (millis <= 0)
            throw invalid(property, millis, "must be a positive number of milliseconds");
        return Duration.ofMillis(millis);
    }

    private static InvalidConfigurationException invalid(Property property, long value, String problem)
    {
        return new InvalidConfigurationException(property.key(), String.valueOf(value), problem);
    }

    /** The stored-value format these settings describe: codecs, filter, compression, size limit, signing. */
    public SessionEnvelope envelope()
    {
        return new SessionEnvelope(codecs, compressionThresholdBytes, maxSessionSizeBytes, signer);
    }

    /** Secrets are not shown. */
    @Override
    public String toString()
    {
        return "MemcachedSettings[nodes=" + nodes + ", " + (sticky ? "sticky" : "non-sticky, locking " + lockingMode) +
            ", operationTimeout=" + operationTimeout.toMillis() + "ms, backupAsync=" + backupAsync + ", protocol=" + protocol +
            (sasl == null ? "" : ", " + sasl) + (signer == null ? "" : ", signed") + "]";
    }
}
