package net.jettymemcached.sessions.lock;

import java.util.Locale;

import net.jettymemcached.sessions.config.InvalidConfigurationException;
import net.jettymemcached.sessions.config.Property;

/**
 * Which requests take their session's lock (non-sticky mode): {@code none}, {@code all}, {@code auto} (all except
 * request paths learned to be read-only) or {@code uriPattern:<regex>} (paths matching the regex, see
 * {@link PathPattern}).
 */
public final class LockingMode
{
    public static final String PROPERTY = Property.LOCKING_MODE.key();

    public enum Kind
    {
        NONE, ALL, AUTO, URI_PATTERN
    }

    /** No request locks (and always so in sticky mode). */
    public static final LockingMode NONE = new LockingMode(Kind.NONE, null);

    private final Kind kind;
    private final PathPattern pattern;

    private LockingMode(Kind kind, PathPattern pattern)
    {
        this.kind = kind;
        this.pattern = pattern;
    }

    public static LockingMode parse(String value)
    {
        String v = value == null ? "" : value.trim();
        if (v.regionMatches(true, 0, "uriPattern:", 0, "uriPattern:".length()))
        {
            String regex = v.substring("uriPattern:".length());
            if (regex.isBlank())
                throw new InvalidConfigurationException(PROPERTY, value, "uriPattern: needs a regular expression, e.g. uriPattern:^/cart/.*");
            try
            {
                return new LockingMode(Kind.URI_PATTERN, PathPattern.compile(PROPERTY, regex));
            }
            catch (InvalidConfigurationException x)
            {
                throw new InvalidConfigurationException(PROPERTY, value, x.getMessage().substring(x.getMessage().indexOf(": ") + 2));
            }
        }
        return switch (v.toLowerCase(Locale.ROOT))
        {
            case "none", "" -> NONE;
            case "all" -> new LockingMode(Kind.ALL, null);
            case "auto" -> new LockingMode(Kind.AUTO, null);
            default -> throw new InvalidConfigurationException(PROPERTY, value, "must be none, all, auto or uriPattern:<regex>");
        };
    }

    public Kind kind()
    {
        return kind;
    }

    /** @return true if a request for {@code path} must hold the session lock */
    public boolean locks(String path, ReadOnlyPaths readOnly)
    {
        return switch (kind)
        {
            case NONE -> false;
            case ALL -> true;
            case AUTO -> !readOnly.isReadOnly(path);
            case URI_PATTERN -> pattern.matches(path);
        };
    }

    @Override
    public String toString()
    {
        return kind == Kind.URI_PATTERN ? "uriPattern:" + pattern : kind.name().toLowerCase(Locale.ROOT);
    }
}
