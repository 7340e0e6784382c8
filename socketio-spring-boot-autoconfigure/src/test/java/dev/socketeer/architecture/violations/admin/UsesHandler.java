package dev.socketeer.architecture.violations.admin;

/** Breaks: admin uses the server's public API, not the annotated-handler layer. */
public class UsesHandler {
    dev.socketeer.architecture.violations.handler.UsesSpringBoot handler;
}
