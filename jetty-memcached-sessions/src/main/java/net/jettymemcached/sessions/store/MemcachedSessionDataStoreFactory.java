package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.MemcachedCluster;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

/** Makes one {@link MemcachedSessionDataStore} per context, all sharing the server's {@link MemcachedCluster}. */
public class MemcachedSessionDataStoreFactory extends AbstractSessionDataStoreFactory
{
    private final MemcachedCluster cluster;

    public MemcachedSessionDataStoreFactory(MemcachedCluster cluster)
    {
        this.cluster = cluster;
    }

    public MemcachedCluster getCluster()
    {
        return cluster;
    }

    @Override
    public SessionDataStore getSessionDataStore(SessionManager manager)
    {
        MemcachedSessionDataStore store = new MemcachedSessionDataStore(cluster);
        store.setGracePeriodSec(getGracePeriodSec());
        store.setSavePeriodSec(getSavePeriodSec());
        return store;
    }
}
