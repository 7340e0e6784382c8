package dev.socketeer.adapter;

/** Creates the adapter of each namespace. */
@FunctionalInterface
public interface AdapterFactory {

    /** Creates the adapter of one namespace; {@link Adapter#init()} is called afterwards. */
    Adapter create(LocalNamespace namespace);

    /** What this factory makes (type, mode, channel prefix, backend address), for the startup log. */
    default AdapterDescription description() {
        return new AdapterDescription(getClass().getSimpleName(), null, null, null);
    }

    /** The in-memory adapter (single server). */
    static AdapterFactory inMemory() {
        return new AdapterFactory() {
            @Override
            public Adapter create(LocalNamespace namespace) {
                return new InMemoryAdapter(namespace);
            }

            @Override
            public AdapterDescription description() {
                return AdapterDescription.MEMORY;
            }
        };
    }
}
