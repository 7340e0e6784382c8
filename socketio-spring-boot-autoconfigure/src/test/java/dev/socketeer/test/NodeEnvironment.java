package dev.socketeer.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the Node harness lives and which {@code node} runs it.
 * <p>
 * Maven passes {@code socketeer.test.jsDir}; from an IDE the folder is found relative to the working directory.
 * {@code socketeer.test.node} (or the {@code NODE} environment variable) overrides the {@code node} executable.
 */
public final class NodeEnvironment {

    private NodeEnvironment() {
    }

    /** The folder holding {@code package.json}, the driver scripts and {@code node_modules}. */
    public static Path scriptsDir() {
        String configured = System.getProperty("socketeer.test.jsDir");
        List<Path> candidates = configured != null
                ? List.of(Path.of(configured))
                : List.of(Path.of("src/test/js"), Path.of("socketio-spring-boot-autoconfigure/src/test/js"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                Path dir = candidate.toAbsolutePath().normalize();
                if (!Files.isDirectory(dir.resolve("node_modules"))) {
                    throw new IllegalStateException("The Node harness in " + dir + " has no node_modules: run "
                            + "'mvn -pl socketio-spring-boot-autoconfigure generate-test-resources' or 'npm ci' there");
                }
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find the Node harness (src/test/js/package.json) from "
                + Path.of("").toAbsolutePath() + "; set -Dsocketeer.test.jsDir=<path>");
    }

    /** The {@code node} executable to run. */
    public static String nodeExecutable() {
        String configured = System.getProperty("socketeer.test.node");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String env = System.getenv("NODE");
        return env != null && !env.isBlank() ? env : "node";
    }
}
