package net.jettymemcached.sessions.security;

import net.jettymemcached.sessions.security.DeserializationFilters.Limits;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The caps a filter sets, as readers that are not Java streams apply them; caps left out are the default's. */
class FilterLimitsTest
{
    @Test
    void theDefaultPatternsCaps()
    {
        assertEquals(DeserializationFilters.DEFAULT_LIMITS, DeserializationFilters.limits(DeserializationFilters.parse(null)));
        assertEquals(new Limits(1_000_000, 500, 1_000_000, Long.MAX_VALUE), DeserializationFilters.DEFAULT_LIMITS);
    }

    @Test
    void configuredCaps()
    {
        assertEquals(new Limits(5, 6, 7, 8), DeserializationFilters.limits(DeserializationFilters.parse("maxarray=5;maxdepth=6;maxrefs=7;maxbytes=8;shop.*")));
        assertEquals(new Limits(0, 500, 1_000_000, Long.MAX_VALUE), DeserializationFilters.limits(DeserializationFilters.parse("maxarray=0")));
    }

    @Test
    void anAllowListKeepsTheDefaultCaps()
    {
        assertEquals(DeserializationFilters.DEFAULT_LIMITS, DeserializationFilters.limits(DeserializationFilters.parse("shop.*;java.**;!*")));
    }
}
