package dev.socketeer.test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.socket.client.Ack;
import io.socket.client.AckWithTimeout;
import io.socket.client.IO;
import io.socket.client.Socket;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * One official Java client ({@code io.socket:socket.io-client} 2.1.x) with waits for what it receives.
 * Arguments arrive as that client gives them: {@code org.json.JSONObject}/{@code JSONArray}, {@code byte[]},
 * strings, numbers. Each {@code await...} consumes the first matching, not yet consumed happening.
 */
public final class JavaSocketIoClient implements AutoCloseable {

    /** Something the client received: an event (with the server's ack callback, if it asked for one). */
    public record Received(String event, List<Object> args, Ack ack) {

        /** Answers the server's ack request. */
        public void reply(Object... replyArgs) {
            if (ack == null) {
                throw new AssertionError("The server did not ask for an ack of '" + event + "'");
            }
            ack.call(replyArgs);
        }
    }

    /**
     * One HTTP client for every test client, without OkHttp's default cap of 5 concurrent requests per host: each
     * polling client holds a long-poll GET, so from the sixth client on, a new handshake or a websocket upgrade
     * queued behind the GETs of the others until a ping released one (up to 25 s): a connect that never came.
     * (Browsers have the same kind of cap, 6 connections per host, which is why they should prefer websocket.)
     */
    private static final OkHttpClient HTTP = newHttpClient();

    private static OkHttpClient newHttpClient() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(1024);
        dispatcher.setMaxRequestsPerHost(1024);
        return new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();
    }

    private final Socket socket;
    private final List<Received> pending = new ArrayList<>();
    private final List<Received> history = new ArrayList<>();

    private JavaSocketIoClient(Socket socket) {
        this.socket = socket;
    }

    /** Creates and connects a client with {@code forceNew} and no reconnection. */
    public static JavaSocketIoClient connect(String url) {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false).build();
        return connect(url, options);
    }

    /** Creates and connects a client with the given options. */
    public static JavaSocketIoClient connect(String url, IO.Options options) {
        if (options.callFactory == null) {
            options.callFactory = HTTP;
        }
        if (options.webSocketFactory == null) {
            options.webSocketFactory = HTTP;
        }
        JavaSocketIoClient client = new JavaSocketIoClient(IO.socket(URI.create(url), options));
        client.socket.on(Socket.EVENT_CONNECT, args -> client.record(Socket.EVENT_CONNECT, args));
        client.socket.on(Socket.EVENT_CONNECT_ERROR, args -> client.record(Socket.EVENT_CONNECT_ERROR, args));
        client.socket.on(Socket.EVENT_DISCONNECT, args -> client.record(Socket.EVENT_DISCONNECT, args));
        client.socket.onAnyIncoming(args -> client.record(String.valueOf(args[0]),
                Arrays.copyOfRange(args, 1, args.length)));
        client.socket.connect();
        return client;
    }

    /** The underlying socket, for everything this helper does not wrap. */
    public Socket socket() {
        return socket;
    }

    /** Waits for the connection and returns the socket id. */
    public String awaitConnect(Duration timeout) {
        await(r -> r.event().equals(Socket.EVENT_CONNECT), timeout, "connect");
        return socket.id();
    }

    /** Waits for a connection error and returns its first argument (an exception or the error's data). */
    public Object awaitConnectError(Duration timeout) {
        List<Object> args = await(r -> r.event().equals(Socket.EVENT_CONNECT_ERROR), timeout, "connect_error").args();
        return args.isEmpty() ? null : args.get(0);
    }

    /** Waits for a disconnect and returns its reason. */
    public String awaitDisconnect(Duration timeout) {
        List<Object> args = await(r -> r.event().equals(Socket.EVENT_DISCONNECT), timeout, "disconnect").args();
        return args.isEmpty() ? null : String.valueOf(args.get(0));
    }

    /** Waits for an event from the server. */
    public Received awaitEvent(String event, Duration timeout) {
        return await(r -> r.event().equals(event), timeout, "event '" + event + "'");
    }

    /** Emits an event. */
    public void emit(String event, Object... args) {
        socket.emit(event, args);
    }

    /** Emits an event with an ack and waits for the server's answer. */
    public List<Object> emitWithAck(String event, Duration timeout, Object... args) {
        CompletableFuture<List<Object>> answer = new CompletableFuture<>();
        socket.emit(event, args, new AckWithTimeout(timeout.toMillis()) {
            @Override
            public void onSuccess(Object... response) {
                answer.complete(Arrays.asList(response));
            }

            @Override
            public void onTimeout() {
                answer.completeExceptionally(new TimeoutException("no ack for '" + event + "' within " + timeout));
            }
        });
        try {
            return answer.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException ex) {
            throw new AssertionError(ex.getCause().getMessage() + "; received so far: " + history(), ex.getCause());
        }
        catch (TimeoutException | InterruptedException ex) {
            throw new AssertionError("no ack for '" + event + "'; received so far: " + history(), ex);
        }
    }

    /** Everything received so far. */
    public synchronized List<Received> history() {
        return List.copyOf(history);
    }

    /** Disconnects and closes the client's connection. */
    @Override
    public void close() {
        socket.close();
        socket.io().reconnection(false);
    }

    private void record(String event, Object[] args) {
        List<Object> values = new ArrayList<>(Arrays.asList(args));
        Ack ack = null;
        if (!values.isEmpty() && values.get(values.size() - 1) instanceof Ack callback) {
            ack = callback;
            values.remove(values.size() - 1);
        }
        Received received = new Received(event, java.util.Collections.unmodifiableList(values), ack);
        synchronized (this) {
            pending.add(received);
            history.add(received);
            notifyAll();
        }
    }

    private synchronized Received await(Predicate<Received> condition, Duration timeout, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = 0; i < pending.size(); i++) {
                if (condition.test(pending.get(i))) {
                    return pending.remove(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms awaiting " + description
                        + "; received so far: " + history);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted awaiting " + description, ex);
            }
        }
    }
}
