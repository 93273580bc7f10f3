package net.jettymemcached.sessions.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Whether a value is a servlet {@code HttpSessionActivationListener} (jakarta or javax: the module serves every EE
 * environment without depending on one): such a value is called before the session is stored and after, and may
 * change itself then. Decided once per class.
 */
final class ActivationListeners
{
    private static final Set<String> NAMES = Set.of("jakarta.servlet.http.HttpSessionActivationListener", "javax.servlet.http.HttpSessionActivationListener");

    private static final ClassValue<Boolean> VERDICTS = new ClassValue<>()
    {
        @Override
        protected Boolean computeValue(Class<?> type)
        {
            Deque<Class<?>> pending = new ArrayDeque<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass())
                pending.add(c);
            while (!pending.isEmpty())
            {
                Class<?> c = pending.poll();
                if (c.isInterface() && NAMES.contains(c.getName()))
                    return true;
                for (Class<?> i : c.getInterfaces())
                    pending.add(i);
            }
            return false;
        }
    };

    private ActivationListeners()
    {
    }

    static boolean isListener(Object value)
    {
        return value != null && VERDICTS.get(value.getClass());
    }
}
