package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.protostuff.CollectionSchema;
import io.protostuff.Input;
import io.protostuff.MapSchema;
import io.protostuff.Message;
import io.protostuff.Output;
import io.protostuff.Pipe;
import io.protostuff.Schema;
import io.protostuff.runtime.Delegate;
import io.protostuff.runtime.EnumIO;
import io.protostuff.runtime.HasDelegate;
import io.protostuff.runtime.HasSchema;
import io.protostuff.runtime.IdStrategy;
import io.protostuff.runtime.RuntimeSchema;

/**
 * protostuff's class lookup while a value is read, one per webapp class loader. protostuff's own
 * {@code DefaultIdStrategy} loads whatever class a value names, instantiates any collection or map class, and caches
 * what it loaded by name for writing too. This one reads only: every class a value names, and every class protostuff
 * would instantiate for the declared type of a field, passes {@link ClassAdmission} first; collections and maps are
 * those the encoder writes, under the names it writes them; text values are those of {@link JdkTypes}.
 */
final class ReadingIdStrategy extends IdStrategy
{
    private final ClassAdmission admission;
    private final Map<Class<?>, HasDelegate<?>> delegates = new HashMap<>();
    private final Map<String, HasDelegate<?>> delegatesByName = new HashMap<>();
    private final Map<Class<?>, HasSchema<?>> objects = new ConcurrentHashMap<>();
    private final Map<Class<?>, EnumIO<?>> enums = new ConcurrentHashMap<>();

    ReadingIdStrategy(ClassAdmission admission)
    {
        super(ProtostuffEnvironment.STRATEGY_FLAGS, null, 0);
        this.admission = admission;
        for (TextDelegate<?> delegate : JdkTypes.delegates())
        {
            HasDelegate<?> wrapper = new HasDelegate<>(delegate, this);
            delegates.put(delegate.typeClass(), wrapper);
            delegatesByName.put(delegate.typeClass().getName(), wrapper);
        }
    }

    // Declared types, met while protostuff builds the schema of an admitted class.

    @Override
    public boolean isDelegateRegistered(Class<?> type)
    {
        return delegates.containsKey(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> HasDelegate<T> getDelegateWrapper(Class<? super T> type)
    {
        return (HasDelegate<T>)delegates.get(type);
    }

    @Override
    public <T> Delegate<T> getDelegate(Class<? super T> type)
    {
        HasDelegate<T> wrapper = getDelegateWrapper(type);
        return wrapper == null ? null : wrapper.delegate;
    }

    @Override
    public boolean isRegistered(Class<?> type)
    {
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> HasSchema<T> getSchemaWrapper(Class<T> type, boolean create)
    {
        HasSchema<?> known = objects.get(type);
        if (known == null && create)
            known = objects.computeIfAbsent(type, t -> new AdmittedObject<>(t, this));
        return (HasSchema<T>)known;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected EnumIO<? extends Enum<?>> getEnumIO(Class<?> type)
    {
        EnumIO<?> known = enums.get(type);
        if (known == null)
        {
            known = enums.computeIfAbsent(type, t ->
            {
                admission.checkEnum(t);
                return ReadingFactories.enumConstants(t, this);
            });
        }
        return (EnumIO<? extends Enum<?>>)known;
    }

    @Override
    protected CollectionSchema.MessageFactory getCollectionFactory(Class<?> type)
    {
        return collection(type.getName().startsWith("java.util") ? type.getSimpleName() : type.getName());
    }

    @Override
    protected MapSchema.MessageFactory getMapFactory(Class<?> type)
    {
        return map(type.getName().startsWith("java.util") ? type.getSimpleName() : type.getName());
    }

    // Classes named in the value.

    @Override
    protected CollectionSchema.MessageFactory resolveCollectionFrom(Input input) throws IOException
    {
        return collection(input.readString());
    }

    @Override
    protected MapSchema.MessageFactory resolveMapFrom(Input input) throws IOException
    {
        return map(input.readString());
    }

    @Override
    protected EnumIO<?> resolveEnumFrom(Input input) throws IOException
    {
        return getEnumIO(admission.enumClass(input.readString()));
    }

    @Override
    protected <T> HasSchema<T> resolvePojoFrom(Input input, int fieldNumber) throws IOException
    {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>)admission.object(input.readString());
        return getSchemaWrapper(type, true);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> HasDelegate<T> resolveDelegateFrom(Input input) throws IOException
    {
        String name = input.readString();
        HasDelegate<T> wrapper = (HasDelegate<T>)delegatesByName.get(name);
        if (wrapper == null)
            throw ClassRefusedException.notWritten(name, "not a type the encoder writes as text");
        return wrapper;
    }

    @Override
    protected Class<?> resolveArrayComponentTypeFrom(Input input, boolean mapped) throws IOException
    {
        Class<?> component = admission.component(input.readString());
        // protostuff reads the array's length and dimensions next and allocates from them
        if (!(input instanceof StringTableInput guarded))
            throw new IllegalStateException("read without a guard: " + input.getClass().getName());
        guarded.guard().arrayHeaderFollows();
        return component;
    }

    @Override
    protected Class<?> resolveClassFrom(Input input, boolean mapped, boolean array) throws IOException
    {
        throw ClassRefusedException.notWritten(input.readString(), "a class object, which the encoder leaves to Java serialization");
    }

    /** The factory of a collection the encoder writes under this name: a JDK collection's simple name. */
    private static CollectionSchema.MessageFactory collection(String name)
    {
        if (CollectionSchema.MessageFactories.accept(name))
        {
            CollectionSchema.MessageFactory factory = CollectionSchema.MessageFactories.valueOf(name);
            if (JdkTypes.isCollection(factory.typeClass()))
                return factory;
        }
        return ReadingFactories.refusedCollection(name);
    }

    private static MapSchema.MessageFactory map(String name)
    {
        if (MapSchema.MessageFactories.accept(name))
        {
            MapSchema.MessageFactory factory = MapSchema.MessageFactories.valueOf(name);
            if (JdkTypes.isMap(factory.typeClass()))
                return factory;
        }
        return ReadingFactories.refusedMap(name);
    }

    /** An admitted class's schema, made when a value first holds one (a field may be declared with any class). */
    private static final class AdmittedObject<T> extends HasSchema<T>
    {
        private final Class<T> type;
        private volatile Schema<T> schema;

        AdmittedObject(Class<T> type, ReadingIdStrategy strategy)
        {
            super(strategy);
            this.type = type;
        }

        @Override
        public Schema<T> getSchema()
        {
            Schema<T> made = schema;
            if (made == null)
            {
                ((ReadingIdStrategy)strategy).admission.checkObject(type);
                made = RuntimeSchema.createFrom(type, strategy);
                schema = made;
            }
            return made;
        }

        @Override
        public Pipe.Schema<T> getPipeSchema()
        {
            throw new UnsupportedOperationException("reads only");
        }
    }

    // Writing is the DefaultIdStrategy's.

    @Override
    protected void writeCollectionIdTo(Output output, int fieldNumber, Class<?> type)
    {
        throw readsOnly();
    }

    @Override
    protected void transferCollectionId(Input input, Output output, int fieldNumber)
    {
        throw readsOnly();
    }

    @Override
    protected void writeMapIdTo(Output output, int fieldNumber, Class<?> type)
    {
        throw readsOnly();
    }

    @Override
    protected void transferMapId(Input input, Output output, int fieldNumber)
    {
        throw readsOnly();
    }

    @Override
    protected void writeEnumIdTo(Output output, int fieldNumber, Class<?> type)
    {
        throw readsOnly();
    }

    @Override
    protected void transferEnumId(Input input, Output output, int fieldNumber)
    {
        throw readsOnly();
    }

    @Override
    protected <T> HasSchema<T> tryWritePojoIdTo(Output output, int fieldNumber, Class<T> type, boolean registered)
    {
        throw readsOnly();
    }

    @Override
    protected <T> HasSchema<T> writePojoIdTo(Output output, int fieldNumber, Class<T> type)
    {
        throw readsOnly();
    }

    @Override
    protected <T> HasSchema<T> transferPojoId(Input input, Output output, int fieldNumber)
    {
        throw readsOnly();
    }

    @Override
    protected <T> Schema<T> writeMessageIdTo(Output output, int fieldNumber, Message<T> message)
    {
        throw readsOnly();
    }

    @Override
    protected <T> HasDelegate<T> tryWriteDelegateIdTo(Output output, int fieldNumber, Class<T> type)
    {
        throw readsOnly();
    }

    @Override
    protected <T> HasDelegate<T> transferDelegateId(Input input, Output output, int fieldNumber)
    {
        throw readsOnly();
    }

    @Override
    protected void writeArrayIdTo(Output output, Class<?> componentType)
    {
        throw readsOnly();
    }

    @Override
    protected void transferArrayId(Input input, Output output, int fieldNumber, boolean mapped)
    {
        throw readsOnly();
    }

    @Override
    protected void writeClassIdTo(Output output, Class<?> componentType, boolean array)
    {
        throw readsOnly();
    }

    @Override
    protected void transferClassId(Input input, Output output, int fieldNumber, boolean mapped, boolean array)
    {
        throw readsOnly();
    }

    private static UnsupportedOperationException readsOnly()
    {
        return new UnsupportedOperationException("the reading strategy writes nothing");
    }
}
