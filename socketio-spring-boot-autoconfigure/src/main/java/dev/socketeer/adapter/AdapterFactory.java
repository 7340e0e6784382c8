package dev.socketeer.adapter;

/** Creates the adapter of each namespace. */
@FunctionalInterface
public interface AdapterFactory {

    /** Creates the adapter of one namespace; {@link Adapter#init()} is called afterwards. */
    Adapter create(LocalNamespace namespace);

    /** The in-memory adapter (single server). */
    static AdapterFactory inMemory() {
        return InMemoryAdapter::new;
    }
}
