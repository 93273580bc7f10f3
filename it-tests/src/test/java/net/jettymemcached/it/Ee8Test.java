package net.jettymemcached.it;

/** The webapp scenario under ee8-deploy, with the javax.servlet (Servlet 4.0) war. */
class Ee8Test extends EnvironmentScenario
{
    @Override
    String environment()
    {
        return "ee8";
    }
}
