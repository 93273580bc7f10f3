package net.jettymemcached.it;

import java.util.Map;
import java.util.stream.Stream;

import net.jettymemcached.it.harness.JettyBase;
import net.jettymemcached.it.harness.JettyProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scenario c: a bad ini value stops Jetty at start with a line naming the property and the value. */
class BadConfigurationTest extends BlackBoxTest
{
    /** A node list that parses; nothing needs to listen there because start-up stops before connecting. */
    private static final String NODES = "n1:127.0.0.1:1 n2:127.0.0.1:2";

    static Stream<Arguments> badValues()
    {
        return Stream.of(
            Arguments.of("jetty.session.memcached.nodes", "n1:localhost", Map.of()),
            Arguments.of("jetty.session.memcached.nodes", "n1:localhost:11211 n1:otherhost:11211", Map.of()),
            Arguments.of("jetty.session.memcached.failoverNodes", "n9", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.operationTimeout.millis", "-5", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.protocol", "udp", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.sticky", "yes", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.operationTimeout.millis", "1s", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.lockingMode", "sometimes", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.lockingMode", "uriPattern:([", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.ignorePattern", "*.css", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.lockTimeout.millis", "-1", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.lockTimeoutAction", "wait", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.serializer", "com.example.NoSuchCodec", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.maxSessionSize.bytes", "-1", Map.of("jetty.session.memcached.nodes", NODES)),
            Arguments.of("jetty.session.memcached.saslMechanism", "DIGEST-MD5", Map.of("jetty.session.memcached.nodes", NODES,
                "jetty.session.memcached.protocol", "binary", "jetty.session.memcached.username", "alice")));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void jettyStopsWithALineNamingTheProperty(String property, String value, Map<String, String> others) throws Exception
    {
        JettyBase base = base("bad-config", "ee11", others);
        base.ini(Map.of(property, value));
        JettyProcess jetty = closeAfterTest(base.start("wA"));
        int exit = jetty.awaitExit(60);
        String output = jetty.output();
        assertNotEquals(0, exit, output);
        assertFalse(output.contains(JettyProcess.STARTED), output);
        String expected = property + "='" + value + "': ";
        assertTrue(output.lines().anyMatch(line -> line.contains(expected)),
            "no line naming " + expected + " in:\n" + output);
    }
}
