package net.jettymemcached.sessions.memcached;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The text protocol's meta get {@code mg <key> c f}: an item's CAS unique and flags without its value (memcached
 * 1.6 answers {@code HD c<cas> f<flags>}, or {@code EN} for a missing item). spymemcached has no meta commands; this
 * operation is queued on its connection like its own ones (text connections only).
 */
final class MetaStampOperation extends MetaLineOperation<Stamp>
{
    MetaStampOperation(String key, CompletableFuture<Stamp> result)
    {
        super("mg " + key + " c f", result);
    }

    @Override
    public void initialize()
    {
        setBuffer(ByteBuffer.wrap((command() + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    Stamp parse(String answer)
    {
        return parseStamp(answer);
    }

    /** @return the stamp of {@code HD c<cas> f<flags>}, null for {@code EN} */
    static Stamp parseStamp(String answer)
    {
        if (answer.equals("EN"))
            return null;
        String[] parts = answer.split(" ");
        if (!parts[0].equals("HD"))
            throw new IllegalArgumentException(answer);
        long cas = -1;
        long flags = -1;
        for (int i = 1; i < parts.length; i++)
        {
            if (parts[i].startsWith("c"))
                cas = Long.parseLong(parts[i].substring(1));
            else if (parts[i].startsWith("f"))
                flags = Long.parseLong(parts[i].substring(1));
        }
        if (cas < 0 || flags < 0)
            throw new IllegalArgumentException(answer);
        return new Stamp(cas, (int)flags);
    }


}
