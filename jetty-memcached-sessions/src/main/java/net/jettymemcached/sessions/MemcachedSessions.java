package net.jettymemcached.sessions;

import net.jettymemcached.sessions.cache.NonStickySessionCacheFactory;
import net.jettymemcached.sessions.cache.StickySessionCacheFactory;
import net.jettymemcached.sessions.store.MemcachedSessionDataStoreFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.SessionCacheFactory;
import org.eclipse.jetty.session.SessionDataStoreFactory;
import org.eclipse.jetty.session.SessionIdManager;

/**
 * Wires memcached sessions into a server: parses the settings once, adds the {@link MemcachedCluster} as a bean of
 * the server, replaces the id manager that Jetty's {@code sessions} module made (keeping its worker name and
 * scavenge interval), and adds the store factory and the session cache factory for the chosen mode. Used by the
 * module's XML and by embedded servers alike.
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
        MemcachedSettings settings = MemcachedSettings.parse(config);
        MemcachedCluster cluster = new MemcachedCluster(server, settings);
        addCluster(server, cluster);

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
        MemcachedSessionDataStoreFactory storeFactory = new MemcachedSessionDataStoreFactory(cluster.storeParts());
        storeFactory.setGracePeriodSec(settings.gracePeriodSec());
        storeFactory.setSavePeriodSec(settings.savePeriodSec());
        server.addBean(storeFactory);

        server.getBeans(SessionCacheFactory.class).forEach(server::removeBean);
        AbstractSessionCacheFactory cacheFactory = settings.sticky()
            ? new StickySessionCacheFactory(settings.ignorePattern())
            : new NonStickySessionCacheFactory(settings.ignorePattern(), cluster.locking(), cluster.requestsInFlight());
        server.addBean(cacheFactory);
        return idManager;
    }

    /** @return the store factory {@link #install} added to {@code server}, or null */
    public static MemcachedSessionDataStoreFactory storeFactory(Server server)
    {
        return server.getBean(MemcachedSessionDataStoreFactory.class);
    }

    /**
     * Adds the cluster as a managed bean of the server, ahead of the server's handler. A server stops its beans in
     * reverse order of addition, and contexts write their sessions while they stop: a bean added after the handler
     * (as a module's XML does, after {@code jetty.xml} set it) would close the memcached clients before the contexts
     * are done with them. Re-adding the handler after the cluster makes the server start the cluster first and stop
     * it last.
     */
    public static void addCluster(Server server, MemcachedCluster cluster)
    {
        Handler handler = server.getHandler();
        if (handler != null)
            server.setHandler((Handler)null);
        server.addBean(cluster, true);
        if (handler != null)
            server.setHandler(handler);
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
