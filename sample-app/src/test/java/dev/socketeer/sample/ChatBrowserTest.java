package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample chat end to end in headless Chromium (playwright-core, {@code src/test/js/chat-e2e.mjs}): the sample
 * app (in-memory default) on a free port, two pages, two nicknames, the online list, "is typing", a message typed in
 * one page appearing in the other, a second page refused the nickname in use, a REST push shown as a direct message,
 * and the history replayed to a late joiner styled as chat messages. Needs {@code /usr/bin/chromium} ({@code .ci/run} installs it) or
 * {@code -Dsocketeer.test.chromium=<path>}.
 */
class ChatBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("socketeer.test.chromium", "/usr/bin/chromium"));
    private static final Path JS = Path.of(System.getProperty("socketeer.test.jsDir", "src/test/js"));

    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = SpringApplication.run(SampleApplication.class, "--server.port=0", "--spring.main.banner-mode=off");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void twoBrowsersChatSeeEachOtherTypingAndTheOnlineList() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("%s not found: apt-get install chromium, or set -Dsocketeer.test.chromium", CHROMIUM).isTrue();
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        Process node = new ProcessBuilder(List.of("node", "chat-e2e.mjs", "http://127.0.0.1:" + port,
                CHROMIUM.toString()))
                .directory(JS.toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = node.waitFor(50, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = output(node);
        assertThat(finished).as("chat-e2e.mjs finished within 50 s; output:%n%s", output).isTrue();
        assertThat(node.exitValue()).as("chat-e2e.mjs exit code; output:%n%s", output).isZero();
        assertThat(output).contains("bob got alice's message", "bob sees \"alice is typing…\"",
                "online list shows alice and bob", "a second \"alice\" is refused: nickname taken",
                "bob sees the pushed direct message", "history replayed to carol: 2 messages, none styled as direct");
    }

    private static String output(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
