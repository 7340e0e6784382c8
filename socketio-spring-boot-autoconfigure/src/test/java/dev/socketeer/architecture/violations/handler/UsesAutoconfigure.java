package dev.socketeer.architecture.violations.handler;

/** Breaks: nothing depends on autoconfigure. */
public class UsesAutoconfigure {
    dev.socketeer.architecture.violations.autoconfigure.Properties properties;
}
