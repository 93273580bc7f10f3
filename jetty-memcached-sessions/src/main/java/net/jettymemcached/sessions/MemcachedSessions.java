package net.jettymemcached.sessions;

import net.jettymemcached.sessions.cache.NonStickySessionCacheFactory;
import net.jettymemcached.sessions.cache.StickySessionCacheFactory;
import net.jettymemcached.sessions.config.MemcachedSessionsConfig;
import net.jettymemcached.sessions.id.MemcachedSessionIdManager;
import net.jettymemcached.sessions.lock.SessionRequestHandler;
import net.jettymemcached.sessions.store.MemcachedSessionDataStoreFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.SessionCacheFactory;
import org.eclipse.jetty.session.SessionDataStoreFactory;
import org.eclipse.jetty.session.SessionIdManager;

/**
 * Wires memcached sessions into a server: the shared {@link MemcachedCluster}, the id manager (replacing the one
 * Jetty's {@code sessions} module made, keeping its worker name and scavenge interval), the store factory and the
 * session cache factory for the chosen mode, and the {@link SessionRequestHandler} in front of the server's handlers
 * (ignored paths, locking). Call it after the server's handler is set. Used by the module's XML and by embedded
 * servers alike.
 */
public final class MemcachedSessions
{
    private MemcachedSessions()
    {
    }

    /**
     * @return the installed id manager; its worker name may still be set before the server starts
     * @throws net.jettymemcached.sessions.config.InvalidConfigurationException for a bad setting
     */
    public static MemcachedSessionIdManager install(Server server, MemcachedSessionsConfig config)
    {
        return install(server, config, new MemcachedSessionDataStoreFactory(new MemcachedCluster(config)));
    }

    /** As {@link #install(Server, MemcachedSessionsConfig)}, with a store factory configured by the caller. */
    public static MemcachedSessionIdManager install(Server server, MemcachedSessionsConfig config, MemcachedSessionDataStoreFactory storeFactory)
    {
        MemcachedCluster cluster = storeFactory.getCluster();
        MemcachedSessionIdManager idManager = new MemcachedSessionIdManager(server, cluster);
        for (SessionIdManager existing : server.getBeans(SessionIdManager.class))
        {
            if (existing.getWorkerName() != null && !existing.getWorkerName().isEmpty())
                idManager.setWorkerName(existing.getWorkerName());
            HouseKeeper houseKeeper = existing.getSessionHouseKeeper();
            if (houseKeeper != null)
                idManager.setSessionHouseKeeper(copyOf(houseKeeper));
            server.removeBean(existing);
        }
        server.addBean(idManager, true);

        server.getBeans(SessionDataStoreFactory.class).forEach(server::removeBean);
        server.addBean(storeFactory);

        server.getBeans(SessionCacheFactory.class).forEach(server::removeBean);
        AbstractSessionCacheFactory cacheFactory = config.isSticky() ? new StickySessionCacheFactory() : new NonStickySessionCacheFactory();
        cacheFactory.setRemoveUnloadableSessions(true);
        cacheFactory.setFlushOnResponseCommit(true);
        server.addBean(cacheFactory);

        server.insertHandler(new SessionRequestHandler(cluster, idManager));
        return idManager;
    }

    private static HouseKeeper copyOf(HouseKeeper existing)
    {
        try
        {
            HouseKeeper houseKeeper = new HouseKeeper();
            houseKeeper.setIntervalSec(existing.getIntervalSec());
            return houseKeeper;
        }
        catch (Exception x)
        {
            throw new IllegalStateException("cannot copy the session scavenger settings", x);
        }
    }
}
