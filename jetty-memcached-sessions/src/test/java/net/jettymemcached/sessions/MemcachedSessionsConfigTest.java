package net.jettymemcached.sessions;

import net.jettymemcached.sessions.config.InvalidConfigurationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.9: a bad value stops start-up with one clear message naming the property. */
class MemcachedSessionsConfigTest
{
    private static void assertInvalid(MemcachedSessionsConfig config, String property, String badValue)
    {
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, config::validate);
        assertEquals(property, x.getProperty());
        assertTrue(x.getMessage().contains(property), () -> "message should name " + property + ": " + x.getMessage());
        assertTrue(x.getMessage().contains(badValue), () -> "message should contain '" + badValue + "': " + x.getMessage());
    }

    @Test
    void defaultsAreValid()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        assertSame(config, config.validate());
        assertEquals("n1:localhost:11211", config.getNodes());
        assertEquals("", config.getFailoverNodes());
        assertTrue(config.isSticky());
        assertEquals(1000, config.getOperationTimeoutMillis());
        assertEquals("", config.getKeyPrefix());
        assertEquals("text", config.getProtocol());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -1000, Long.MIN_VALUE})
    void nonPositiveOperationTimeout(long millis)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setOperationTimeoutMillis(millis);
        assertInvalid(config, "jetty.session.memcached.operationTimeout.millis", String.valueOf(millis));
    }

    /** memcached may expire a 1 s item after milliseconds, and reads more than 30 days as a date in the past. */
    @ParameterizedTest
    @ValueSource(ints = {-5, 0, 1, 2_592_001, Integer.MAX_VALUE})
    void lockExpirationMemcachedWouldMisread(int seconds)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setLockExpirationSeconds(seconds);
        assertInvalid(config, "jetty.session.memcached.lockExpiration.seconds", String.valueOf(seconds));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 30, 2_592_000})
    void lockExpirationWithinMemcachedsRelativeRange(int seconds)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setLockExpirationSeconds(seconds);
        assertDoesNotThrow(config::validate);
    }

    @Test
    void positiveOperationTimeoutIsFine()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setOperationTimeoutMillis(1);
        assertDoesNotThrow(config::validate);
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "", "ascii", "text binary", "http"})
    void badProtocol(String protocol)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setProtocol(protocol);
        assertInvalid(config, "jetty.session.memcached.protocol", "'" + protocol + "'");
    }

    @Test
    void nullProtocol()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setProtocol(null);
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, config::validate);
        assertEquals("jetty.session.memcached.protocol", x.getProperty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "binary", "TEXT", " Binary "})
    void goodProtocol(String protocol)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setProtocol(protocol);
        assertDoesNotThrow(config::validate);
    }

    @Test
    void usernameNeedsBinaryProtocol()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setUsername("alice");
        config.setPassword("secret");
        assertInvalid(config, "jetty.session.memcached.username", "alice");
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, config::validate);
        assertTrue(x.getMessage().contains("jetty.session.memcached.protocol"), "should tell which property to change: " + x.getMessage());
        assertTrue(!x.getMessage().contains("secret"), "the password must not appear in the message: " + x.getMessage());

        config.setProtocol("binary");
        assertDoesNotThrow(config::validate);
    }

    /** Without a username there is no login: a password alone would silently mean nothing. */
    @Test
    void passwordNeedsUsername()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setProtocol("binary");
        config.setPassword("secret");
        assertInvalid(config, "jetty.session.memcached.password", "(not shown)");
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, config::validate);
        assertTrue(x.getMessage().contains("jetty.session.memcached.username"), "should tell which property is missing: " + x.getMessage());
        assertTrue(!x.getMessage().contains("secret"), "the password must not appear in the message: " + x.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "plain", "CRAM-MD5", " cram-md5 "})
    void goodSaslMechanism(String mechanism)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setProtocol("binary");
        config.setUsername("alice");
        config.setSaslMechanism(mechanism);
        assertDoesNotThrow(config::validate);
    }

    /** Mechanisms Debian's memcached offers that the JDK's SASL client cannot complete with a password, or that let anyone in. */
    @ParameterizedTest
    @ValueSource(strings = {"DIGEST-MD5", "SCRAM-SHA-256", "ANONYMOUS", "LOGIN", "NTLM", "CRAM-MD5,PLAIN", ""})
    void unsupportedSaslMechanism(String mechanism)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setProtocol("binary");
        config.setUsername("alice");
        config.setSaslMechanism(mechanism);
        assertInvalid(config, "jetty.session.memcached.saslMechanism", mechanism);
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, config::validate);
        assertTrue(x.getMessage().contains("PLAIN or CRAM-MD5"), x.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"my prefix", "a\tb", "a\nb", "pr\u00e9fix", "a\u0000b"})
    void keyPrefixWithSpaceOrNonAscii(String prefix)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setKeyPrefix(prefix);
        assertInvalid(config, "jetty.session.memcached.keyPrefix", "jetty.session.memcached.keyPrefix");
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, config::validate);
        assertTrue(x.getMessage().contains(prefix), x.getMessage());
    }

    @Test
    void keyPrefixTooLong()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setKeyPrefix("p".repeat(65));
        assertInvalid(config, "jetty.session.memcached.keyPrefix", "p".repeat(65));
        config.setKeyPrefix("p".repeat(64));
        assertDoesNotThrow(config::validate);
    }

    @Test
    void goodKeyPrefix()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setKeyPrefix("app1:prod/");
        assertDoesNotThrow(config::validate);
    }

    @Test
    void badNodesNameTheNodesProperty()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setNodes("n1:localhost:0");
        assertInvalid(config, "jetty.session.memcached.nodes", "n1:localhost:0");
    }

    @Test
    void unknownFailoverNodeNamesTheFailoverProperty()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setNodes("n1:localhost:11211 n2:localhost:11212");
        config.setFailoverNodes("n3");
        assertInvalid(config, "jetty.session.memcached.failoverNodes", "n3");
    }
}
