package net.jettymemcached.sessions;

import net.jettymemcached.sessions.config.InvalidConfigurationException;

import net.jettymemcached.sessions.security.DeserializationFilters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.9: the stored-value settings and their validation, each error naming its property. */
class StoredValueSettingsTest
{
    private static InvalidConfigurationException invalid(MemcachedSessionsConfig config, String property)
    {
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, config::validate);
        assertEquals(MemcachedSessionsConfig.PREFIX + property, x.getProperty());
        assertTrue(x.getMessage().startsWith(MemcachedSessionsConfig.PREFIX + property + "="), x.getMessage());
        return x;
    }

    @Test
    void defaults()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        assertDoesNotThrow(config::validate);
        assertEquals("protostuff", config.getSerializer());
        assertEquals(16384, config.getCompressionThresholdBytes());
        assertEquals(1_000_000, config.getMaxSessionSizeBytes());
        assertEquals("", config.getSigningKey());
        assertEquals(DeserializationFilters.DEFAULT_PATTERN, config.getDeserializationFilter());
        config.setDeserializationFilter("");
        assertEquals(DeserializationFilters.DEFAULT_PATTERN, config.getDeserializationFilter(), "empty means the default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"protostuff", "java", "JAVA", " protostuff "})
    void builtInSerializers(String serializer)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setSerializer(serializer);
        assertDoesNotThrow(config::validate);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kryo", "com.example.MissingCodec", "java.lang.String"})
    void unknownSerializer(String serializer)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setSerializer(serializer);
        assertTrue(invalid(config, "serializer").getMessage().contains(serializer));
    }

    @Test
    void sizes()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setCompressionThresholdBytes(-1);
        invalid(config, "compressionThreshold.bytes");
        config.setCompressionThresholdBytes(0);
        config.setMaxSessionSizeBytes(0);
        invalid(config, "maxSessionSize.bytes");
        config.setMaxSessionSizeBytes(Integer.MAX_VALUE);
        invalid(config, "maxSessionSize.bytes");
        config.setMaxSessionSizeBytes("2000000");
        assertDoesNotThrow(config::validate);
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, () -> config.setMaxSessionSizeBytes("1 MB"));
        assertEquals(MemcachedSessionsConfig.PREFIX + "maxSessionSize.bytes", x.getProperty());
    }

    @Test
    void signingKeyIsCheckedButNeverShown()
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setSigningKey("tooShortSecret");
        InvalidConfigurationException x = invalid(config, "signingKey");
        assertFalse(x.getMessage().contains("tooShortSecret"), x.getMessage());
        config.setSigningKey("a-long-enough-secret-1, another-long-secret-2");
        assertDoesNotThrow(config::validate);
        config.setSigningKey("a-long-enough-secret-1,,");
        assertFalse(invalid(config, "signingKey").getMessage().contains("a-long-enough-secret-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maxdepth=abc", "!", "com.example.*;maxarray=-5x"})
    void badFilter(String pattern)
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setDeserializationFilter(pattern);
        invalid(config, "deserializationFilter");
    }
}
