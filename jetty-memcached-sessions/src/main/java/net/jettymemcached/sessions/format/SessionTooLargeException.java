package net.jettymemcached.sessions.format;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A session whose stored value would exceed {@code maxSessionSize.bytes}. It is not written: memcached would either
 * refuse it (and unlink the previous copy while doing so) or let one session crowd out many others. The message names
 * the largest attributes so the operator knows what to shrink.
 */
public class SessionTooLargeException extends IOException
{
    private final int size;
    private final int limit;
    private final List<Map.Entry<String, Integer>> largest;

    public SessionTooLargeException(int size, int limit, List<Map.Entry<String, Integer>> largest)
    {
        super(size + " bytes after compression, over the limit of " + limit + " (maxSessionSize.bytes); largest attributes: " +
            largest.stream().map(e -> e.getKey() + "=" + e.getValue() + " bytes").collect(Collectors.joining(", ")));
        this.size = size;
        this.limit = limit;
        this.largest = List.copyOf(largest);
    }

    public int getSize()
    {
        return size;
    }

    public int getLimit()
    {
        return limit;
    }

    /** @return up to three attribute names with their serialized (uncompressed) sizes, largest first */
    public List<Map.Entry<String, Integer>> getLargestAttributes()
    {
        return largest;
    }
}
