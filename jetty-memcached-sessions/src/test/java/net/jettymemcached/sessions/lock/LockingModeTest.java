package net.jettymemcached.sessions.lock;

import net.jettymemcached.sessions.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which requests lock, how {@code auto} learns and unlearns, and the errors for bad values. */
class LockingModeTest
{
    private final ReadOnlyPaths learned = new ReadOnlyPaths(10_000);

    @Test
    void noneAndAll()
    {
        assertFalse(LockingMode.parse("none").locks("/app", learned));
        assertFalse(LockingMode.parse("").locks("/app", learned));
        assertTrue(LockingMode.parse("all").locks("/app", learned));
        assertTrue(LockingMode.parse(" ALL ").locks("/app", learned));
    }

    @Test
    void uriPatternMatchesTheWholeRequestPath()
    {
        LockingMode mode = LockingMode.parse("uriPattern:^/shop/cart/.*");
        assertTrue(mode.locks("/shop/cart/add", learned));
        assertFalse(mode.locks("/shop/list", learned));
        assertFalse(mode.locks("GET /shop/cart/add", learned), "the path alone is matched, not METHOD and URI");
        assertEquals("uriPattern:^/shop/cart/.*", mode.toString());
    }

    @Test
    void autoLearnsReadOnlyPathsAndUnlearnsThemOnTheFirstChange()
    {
        LockingMode auto = LockingMode.parse("auto");
        assertTrue(auto.locks("/catalog", learned), "unknown paths lock");
        learned.observed("/catalog", false);
        assertFalse(auto.locks("/catalog", learned), "learned read-only");
        learned.observed("/catalog", true);
        assertTrue(auto.locks("/catalog", learned), "a change makes it lock again");
        learned.observed("/catalog", false);
        assertTrue(auto.locks("/catalog", learned), "for good");
    }

    @Test
    void badValuesNameTheProperty()
    {
        InvalidConfigurationException unknown = assertThrows(InvalidConfigurationException.class, () -> LockingMode.parse("sometimes"));
        assertEquals("jetty.session.memcached.lockingMode", unknown.getProperty());
        assertTrue(unknown.getMessage().contains("'sometimes'"), unknown.getMessage());
        InvalidConfigurationException regex = assertThrows(InvalidConfigurationException.class, () -> LockingMode.parse("uriPattern:(["));
        assertTrue(regex.getMessage().startsWith("jetty.session.memcached.lockingMode='uriPattern:(['"), regex.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> LockingMode.parse("uriPattern:"));
        assertThrows(InvalidConfigurationException.class, () -> LockTimeoutAction.parse("wait"));
        assertEquals(LockTimeoutAction.REJECT, LockTimeoutAction.parse("Reject"));
    }
}
