package dev.socketeer.architecture.violations.engine;

/** An engine type. */
public class Engine {
}
