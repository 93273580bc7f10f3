package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Application-style classes for the compatibility table: each exercises one rule of Java serialization. */
public final class CompatibilityTypes
{
    private CompatibilityTypes()
    {
    }

    public enum Colour
    {
        RED, GREEN, BLUE
    }

    enum Operation
    {
        PLUS
        {
            @Override
            int apply(int a, int b)
            {
                return a + b;
            }
        },
        TIMES
        {
            @Override
            int apply(int a, int b)
            {
                return a * b;
            }
        };

        abstract int apply(int a, int b);
    }

    record Point(int x, int y, String label) implements Serializable
    {
    }

    /** No no-argument constructor: neither codec may need one. */
    public static final class Money implements Serializable
    {
        private final BigDecimal amount;
        private final String currency;

        public Money(BigDecimal amount, String currency)
        {
            this.amount = amount;
            this.currency = currency;
        }

        @Override
        public boolean equals(Object o)
        {
            return o instanceof Money m && amount.equals(m.amount) && currency.equals(m.currency);
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(amount, currency);
        }
    }

    /** Transient fields come back as their type's default value, whatever the constructor or initializer set. */
    static class WithTransients implements Serializable
    {
        String kept = "kept";
        transient String cache = "initialized";
        transient int counter = 7;

        WithTransients()
        {
        }

        @Override
        public boolean equals(Object o)
        {
            return o instanceof WithTransients w && Objects.equals(kept, w.kept) && Objects.equals(cache, w.cache) && counter == w.counter;
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(kept, cache, counter);
        }
    }

    /** Rebuilds derived state in readObject: copying the fields would not do. */
    static final class CustomSerialized implements Serializable
    {
        private String text;
        private transient int length;

        CustomSerialized(String text)
        {
            this.text = text;
            this.length = text.length();
        }

        @Serial
        private void writeObject(ObjectOutputStream out) throws IOException
        {
            out.writeUTF(text.toUpperCase());
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException
        {
            text = in.readUTF().toLowerCase();
            length = text.length();
        }

        @Override
        public boolean equals(Object o)
        {
            return o instanceof CustomSerialized c && text.equals(c.text) && length == c.length;
        }

        @Override
        public int hashCode()
        {
            return text.hashCode();
        }
    }

    /** A singleton that must stay one after loading. */
    static final class Singleton implements Serializable
    {
        static final Singleton INSTANCE = new Singleton();

        private Singleton()
        {
        }

        @Serial
        private Object readResolve()
        {
            return INSTANCE;
        }
    }

    /** A parent and its children pointing back at it. */
    static final class Node implements Serializable
    {
        final String name;
        Node parent;
        final List<Node> children = new ArrayList<>();

        Node(String name)
        {
            this.name = name;
        }

        Node add(String childName)
        {
            Node child = new Node(childName);
            child.parent = this;
            children.add(child);
            return child;
        }
    }

    /** Two fields holding the very same object. */
    static final class Pair implements Serializable
    {
        Object first;
        Object second;
    }

    static class Animal implements Serializable
    {
        String name = "animal";

        @Override
        public boolean equals(Object o)
        {
            return o != null && o.getClass() == getClass() && Objects.equals(name, ((Animal)o).name);
        }

        @Override
        public int hashCode()
        {
            return Objects.hashCode(name);
        }
    }

    static class Dog extends Animal
    {
        String sound = "woof";

        @Override
        public boolean equals(Object o)
        {
            return super.equals(o) && Objects.equals(sound, ((Dog)o).sound);
        }
    }

    /** A field declared as a superclass holding a subclass. */
    static final class Kennel implements Serializable
    {
        Animal resident = new Dog();

        @Override
        public boolean equals(Object o)
        {
            return o instanceof Kennel k && Objects.equals(resident, k.resident);
        }

        @Override
        public int hashCode()
        {
            return Objects.hashCode(resident);
        }
    }

    /** A field declared as an interface whose value protostuff would rebuild as its default class. */
    static final class Playlist implements Serializable
    {
        List<String> songs;
        Map<String, Integer> plays;
        Date created;

        Playlist(List<String> songs, Map<String, Integer> plays, Date created)
        {
            this.songs = songs;
            this.plays = plays;
            this.created = created;
        }

        @Override
        public boolean equals(Object o)
        {
            return o instanceof Playlist p && songs.equals(p.songs) && songs.getClass() == p.songs.getClass() &&
                plays.equals(p.plays) && plays.getClass() == p.plays.getClass() && created.equals(p.created) && created.getClass() == p.created.getClass();
        }

        @Override
        public int hashCode()
        {
            return songs.hashCode();
        }
    }

    /** Nested generic collections as fields. */
    static final class Catalog implements Serializable
    {
        final Map<String, List<Map<String, Integer>>> sections = new HashMap<>();
        final List<List<String>> tags = new ArrayList<>();
        final Map<Colour, Map<String, List<Money>>> byColour = new HashMap<>();

        @Override
        public boolean equals(Object o)
        {
            return o instanceof Catalog c && sections.equals(c.sections) && tags.equals(c.tags) && byColour.equals(c.byColour);
        }

        @Override
        public int hashCode()
        {
            return sections.hashCode();
        }
    }
}
