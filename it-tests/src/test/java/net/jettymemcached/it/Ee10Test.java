package net.jettymemcached.it;

/** Scenario f: the webapp scenario under ee10-deploy, with the war that ee11 runs (Servlet 6.0 web.xml). */
class Ee10Test extends EnvironmentScenario
{
    @Override
    String environment()
    {
        return "ee10";
    }
}
