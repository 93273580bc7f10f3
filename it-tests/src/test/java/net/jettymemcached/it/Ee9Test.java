package net.jettymemcached.it;

/** The webapp scenario under ee9-deploy, with the Servlet 5.0 war. */
class Ee9Test extends EnvironmentScenario
{
    @Override
    String environment()
    {
        return "ee9";
    }
}
