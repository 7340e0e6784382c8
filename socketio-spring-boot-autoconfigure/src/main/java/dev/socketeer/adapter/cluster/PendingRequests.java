package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.ClusterRequestTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * The requests a server sent to the other servers and waits answers for, by request id. Each one's
 * deadline runs from {@link #start}, before the server count is known, so a request ends in time
 * whatever the backend does while it is counted. Thread-safe.
 */
public final class PendingRequests {

    private final Map<String, Pending> requests = new ConcurrentHashMap<>();

    /**
     * Starts a request whose answers are not awaited yet ({@link Pending#expect} says how many).
     *
     * @param operation what it is for, in error messages, e.g. {@code "fetchSockets"}
     * @param kind what the caller needs to read its answers (a message type)
     */
    public Pending start(String requestId, String operation, int kind, Duration timeout) {
        Pending request = new Pending(requestId, operation, kind);
        Disposable timer = Schedulers.parallel().schedule(request::timeOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
        request.result.whenComplete((answers, error) -> {
            timer.dispose();
            requests.remove(requestId);
        });
        return request;
    }

    /** The request awaiting answers with this id, or {@code null}. */
    public Pending get(String requestId) {
        return requestId == null ? null : requests.get(requestId);
    }

    /** A server left: requests stop waiting for it. */
    public void forget(String server) {
        requests.values().forEach(request -> request.forget(server));
    }

    /** One request: its answers so far, and the future completed with all of them. */
    public final class Pending {

        private final CompletableFuture<List<JsonNode>> result = new CompletableFuture<>();
        private final String requestId;
        private final String operation;
        private final int kind;
        private Set<String> missing;
        private int expected = -1;
        private int received;
        private final List<JsonNode> answers = new ArrayList<>();

        private Pending(String requestId, String operation, int kind) {
            this.requestId = requestId;
            this.operation = operation;
            this.kind = kind;
        }

        /** Completes with every answer's values, or fails (timeout, backend error). */
        public CompletableFuture<List<JsonNode>> result() {
            return result;
        }

        /** What the caller gave {@link #start} to read the answers. */
        public int kind() {
            return kind;
        }

        /**
         * Waits for {@code count} answers, or for one from each of {@code responders} when not null;
         * false when there is nothing to wait for (it completed) or it is already over.
         */
        public synchronized boolean expect(int count, Set<String> responders) {
            if (result.isDone()) {
                return false;
            }
            if (count <= 0) {
                result.complete(List.of());
                return false;
            }
            expected = count;
            missing = responders == null ? null : new HashSet<>(responders);
            requests.put(requestId, this);
            return true;
        }

        /** One server's answer, holding any number of values. */
        public synchronized void answer(String from, Iterable<JsonNode> values) {
            if (result.isDone() || expected < 0) {
                return;
            }
            values.forEach(answers::add);
            received++;
            if (missing != null) {
                missing.remove(from);
            }
            completeIfDone();
        }

        private synchronized void forget(String server) {
            if (missing != null && missing.remove(server)) {
                completeIfDone();
            }
        }

        private void completeIfDone() {
            if (missing != null ? missing.isEmpty() : received >= expected) {
                result.complete(List.copyOf(answers));
            }
        }

        private synchronized void timeOut() {
            if (result.isDone()) {
                return;
            }
            String detail = expected < 0 ? "the server count did not arrive in time"
                    : missing != null ? "missing " + missing.size() + " responses"
                    : "only " + received + " responses received out of " + expected;
            result.completeExceptionally(new ClusterRequestTimeoutException(operation + ": timeout reached: " + detail,
                    List.copyOf(answers)));
        }

        /** Ends the request with an error. */
        public void fail(Throwable error) {
            result.completeExceptionally(error);
        }
    }
}
