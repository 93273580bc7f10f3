package net.jettymemcached.sessions.config;

/**
 * A configuration value that cannot work. The message always names the property and the offending value, so that
 * Jetty stops at start-up with one line an operator can act on.
 */
public class InvalidConfigurationException extends IllegalArgumentException
{
    private final String property;

    public InvalidConfigurationException(String property, String value, String problem)
    {
        super(property + "=" + quote(value) + ": " + problem);
        this.property = property;
    }

    public String getProperty()
    {
        return property;
    }

    private static String quote(String value)
    {
        return value == null ? "<unset>" : "'" + value + "'";
    }

    /** The message says everything; a stack trace would only hide it. */
    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
