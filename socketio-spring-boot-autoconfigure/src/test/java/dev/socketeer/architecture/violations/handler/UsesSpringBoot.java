package dev.socketeer.architecture.violations.handler;

/** Breaks: only autoconfigure imports Spring Boot. */
public class UsesSpringBoot {
    org.springframework.boot.SpringApplication application;
}
