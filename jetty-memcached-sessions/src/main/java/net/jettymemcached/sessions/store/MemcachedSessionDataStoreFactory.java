package net.jettymemcached.sessions.store;

import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

/** Makes one {@link MemcachedSessionDataStore} per context, all sharing the server's memcached side. */
public class MemcachedSessionDataStoreFactory extends AbstractSessionDataStoreFactory
{
    private final StoreParts parts;

    public MemcachedSessionDataStoreFactory(StoreParts parts)
    {
        this.parts = parts;
    }

    @Override
    public SessionDataStore getSessionDataStore(SessionManager manager)
    {
        MemcachedSessionDataStore store = new MemcachedSessionDataStore(parts);
        store.setGracePeriodSec(getGracePeriodSec());
        store.setSavePeriodSec(getSavePeriodSec());
        return store;
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{keyPrefix='%s', %s}", getClass().getSimpleName(), hashCode(), parts.keyPrefix(),
            parts.sticky() ? (parts.writeAsync() ? "sticky, asynchronous writes" : "sticky") : "non-sticky");
    }
}
