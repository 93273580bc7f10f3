package net.jettymemcached.sessions.config;

import java.util.Locale;

/** Strict parsing of ini values: a typo is an error naming the property, never a silent default. */
public final class ConfigValues
{
    private ConfigValues()
    {
    }

    public static boolean bool(String property, String value)
    {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v)
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigurationException(property, value, "must be true or false");
        };
    }

    public static long number(String property, String value)
    {
        try
        {
            long n = Long.parseLong(value == null ? "" : value.trim());
            if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE)
                throw new InvalidConfigurationException(property, value, "out of range");
            return n;
        }
        catch (NumberFormatException x)
        {
            throw new InvalidConfigurationException(property, value, "must be a whole number");
        }
    }
}
