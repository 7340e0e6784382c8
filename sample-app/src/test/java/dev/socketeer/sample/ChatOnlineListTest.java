package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.JavaSocketIoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The online list when several users connect at the same moment: every list carries a strictly increasing version
 * and the newest one each page keeps names everybody, whatever order the concurrent broadcasts arrived in.
 * Repeated because the first round runs on a cold server: it once lost the joins of the clients whose event
 * loops decoded their first packet together (Jackson's one-time deserializer lock, failed by BlockHound).
 */
class ChatOnlineListTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = Chat.start();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @RepeatedTest(3)
    void usersJoiningTogetherAllEndUpWithTheFullList(RepetitionInfo repetition) throws Exception {
        // names of their own per round: the previous round's clients close asynchronously, and a nickname stays taken
        // (409) until the server has seen its socket go
        List<String> names = IntStream.range(0, 8)
                .mapToObj(i -> "r" + repetition.getCurrentRepetition() + "user" + i).toList();
        List<String> tokens = names.stream().map(name -> Chat.token(app, name)).toList();
        List<JavaSocketIoClient> clients = new ArrayList<>();
        try {
            // all connections opened together, from as many threads
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            JavaSocketIoClient[] opened = new JavaSocketIoClient[names.size()];
            for (int i = 0; i < names.size(); i++) {
                int index = i;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    opened[index] = Chat.connect(app, Map.of("token", tokens.get(index)));
                });
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            clients.addAll(List.of(opened));
            for (JavaSocketIoClient client : clients) {
                client.awaitConnect(WAIT);
            }
            for (JavaSocketIoClient client : clients) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(Chat.newestOnline(client))
                        .as(() -> describe(names, clients))
                        .containsExactlyElementsOf(names));
            }
            // versions never repeat: the page can always tell the newer list
            assertThat(Chat.onlineVersions(clients.get(0))).doesNotHaveDuplicates().doesNotContain(-1L);
        } finally {
            clients.forEach(JavaSocketIoClient::close);
        }
    }

    /** What every client received: its history (a sign its join was handled) and each online list in order. */
    private static String describe(List<String> names, List<JavaSocketIoClient> clients) {
        StringBuilder out = new StringBuilder("what each client received:");
        for (int i = 0; i < clients.size(); i++) {
            JavaSocketIoClient client = clients.get(i);
            out.append("\n  ").append(names.get(i)).append(" (").append(client.socket().id()).append("):");
            for (JavaSocketIoClient.Received received : client.history()) {
                if (received.event().equals("online") || received.event().equals("history")) {
                    out.append("\n    ").append(received.event()).append(' ')
                            .append(received.event().equals("online") ? received.args() : "");
                }
            }
        }
        return out.toString();
    }
}
