package dev.socketeer.architecture.violations.autoconfigure;

/** An autoconfigure type. */
public class Properties {
}
