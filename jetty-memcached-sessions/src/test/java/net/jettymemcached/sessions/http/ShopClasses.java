package net.jettymemcached.sessions.http;

import java.nio.file.Path;
import java.util.Map;

import net.jettymemcached.sessions.codec.WebappClasses;

/**
 * The classes of a small shop webapp, compiled at test time: a basket (written by protostuff: collections, a map
 * sharing its items, an enum, a date) and a coupon record (written by the Java fallback). Neither the server nor the
 * tests have them.
 */
final class ShopClasses
{
    static final String BASKET = "shop.Basket";
    static final String COUPON = "shop.Coupon";

    private static final Map<String, String> SOURCES = Map.of(
        "shop.Basket", """
            package shop;
            import java.util.*;
            import java.util.function.*;
            public class Basket implements java.io.Serializable, Supplier<String>, Consumer<String> {
                private final String owner;
                private final List<Item> items = new ArrayList<>();
                private final Map<String, Item> bySku = new HashMap<>();
                private Status status = Status.OPEN;
                private final Date created = new Date(1_700_000_000_000L);
                public Basket(String owner) { this.owner = owner; }
                public void accept(String sku) {
                    Item item = bySku.get(sku);
                    if (item == null) { item = new Item(sku); bySku.put(sku, item); items.add(item); } else { item.qty++; }
                }
                public String get() {
                    boolean shared = items.stream().allMatch(i -> bySku.get(i.sku) == i);
                    return owner + " " + items + " " + status + " shared=" + shared + " created=" + created.getTime();
                }
            }
            """,
        "shop.Item", """
            package shop;
            public class Item implements java.io.Serializable {
                final String sku;
                int qty = 1;
                Item(String sku) { this.sku = sku; }
                public String toString() { return sku + "x" + qty; }
            }
            """,
        "shop.Status", "package shop; public enum Status { OPEN, PAID }",
        "shop.Coupon", """
            package shop;
            public record Coupon(String code) implements java.io.Serializable, java.util.function.Supplier<String> {
                public String get() { return "coupon " + code; }
            }
            """);

    private ShopClasses()
    {
    }

    /** @return the directory of the compiled classes */
    static Path compile(Path directory)
    {
        return WebappClasses.compile(directory, SOURCES);
    }

    /** @return a new webapp class loader named {@code name} over the compiled classes */
    static ClassLoader loader(Path classes, String name)
    {
        try
        {
            return new java.net.URLClassLoader(name, new java.net.URL[]{classes.toUri().toURL()}, ShopClasses.class.getClassLoader());
        }
        catch (java.net.MalformedURLException x)
        {
            throw new IllegalStateException(x);
        }
    }
}
