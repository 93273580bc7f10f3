package net.jettymemcached.sessions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jettymemcached.sessions.config.Property;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Defaults are written once, in {@link Property}; the ini template, the module's XML and the README's configuration
 * table repeat them for operators. This checks that all four name exactly the same {@code jetty.session.memcached.*}
 * properties with the same defaults.
 */
class ConfigurationDocsTest
{
    private static final Path ROOT = Path.of("..");
    private static final Path MODULE = ROOT.resolve("jetty-module-config/src/main/config/modules/memcached-sessions.mod");
    private static final Path XML = ROOT.resolve("jetty-module-config/src/main/config/etc/sessions/memcached/session-store.xml");
    private static final Path README = ROOT.resolve("README.md");

    private static Map<String, String> expected()
    {
        Map<String, String> defaults = new TreeMap<>();
        for (Property property : Property.values())
            defaults.put(property.key(), property.defaultValue());
        return defaults;
    }

    private static Map<String, String> matches(Path file, Pattern pattern) throws IOException
    {
        Map<String, String> found = new TreeMap<>();
        Matcher m = pattern.matcher(Files.readString(file));
        while (m.find())
            found.put(m.group(1), m.group(2));
        return found;
    }

    @Test
    void iniTemplateNamesEveryPropertyWithItsDefault() throws IOException
    {
        assertEquals(expected(), matches(MODULE, Pattern.compile("(?m)^#(jetty\\.session\\.memcached\\.[A-Za-z.]+)=(.*)$")));
    }

    @Test
    void xmlNamesEveryPropertyWithItsDefault() throws IOException
    {
        Map<String, String> xml = matches(XML, Pattern.compile("<Property name=\"(jetty\\.session\\.memcached\\.[A-Za-z.]+)\" default=\"([^\"]*)\"/>"));
        xml.replaceAll((k, v) -> v.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&"));
        assertEquals(expected(), xml);
    }

    @Test
    void readmeTableNamesEveryPropertyWithItsDefault() throws IOException
    {
        Map<String, String> readme = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `(jetty\\.session\\.memcached\\.[A-Za-z.]+)`( / `(\\.[A-Za-z.]+)`)? \\| (.*?) \\| ").matcher(Files.readString(README));
        while (row.find())
        {
            String value = row.group(4).replace("\\|", "|");
            value = value.startsWith("empty") ? "" : value.replaceAll("^`(.*)`$", "$1");
            readme.put(row.group(1), value);
            if (row.group(3) != null)
                readme.put(row.group(1).substring(0, row.group(1).lastIndexOf('.')) + row.group(3), value);
        }
        assertEquals(expected(), readme);
    }
}
