package net.jettymemcached.sessions.lock;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import net.jettymemcached.sessions.config.InvalidConfigurationException;

/**
 * A regular expression matched against the whole request path (context path included, query string excluded), e.g.
 * {@code ^/shop/cart/.*} or {@code .*\.css$}. msm matched {@code "METHOD uri?query"}, which made path patterns
 * silently never match; here the path alone is matched.
 */
public final class PathPattern
{
    private final Pattern pattern;

    private PathPattern(Pattern pattern)
    {
        this.pattern = pattern;
    }

    /** @return the pattern, or null for a blank value (matches nothing) */
    public static PathPattern compile(String property, String regex)
    {
        if (regex == null || regex.isBlank())
            return null;
        try
        {
            return new PathPattern(Pattern.compile(regex));
        }
        catch (PatternSyntaxException x)
        {
            throw new InvalidConfigurationException(property, regex, "not a valid regular expression: " + x.getDescription() + " near index " + x.getIndex());
        }
    }

    public boolean matches(String path)
    {
        return path != null && pattern.matcher(path).matches();
    }

    @Override
    public String toString()
    {
        return pattern.pattern();
    }
}
