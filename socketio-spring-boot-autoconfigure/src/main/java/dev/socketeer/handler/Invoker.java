package dev.socketeer.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Invokes handler methods and turns what they return (or throw) into acknowledgements: plain values are one ack
 * argument, {@link AckArgs} several, single-value reactive types and {@code CompletionStage}s their value,
 * multi-value reactive types ({@code Flux}) one argument holding the list of all their values; {@code null}, void and
 * empty publishers send nothing. Exceptions go to the closest {@code @SocketIoExceptionHandler}, else answer the ack
 * with {@code {"error":{...}}}.
 */
final class Invoker {

    private static final Runnable NOTHING = () -> { };

    private final HandlerExecutor executor;
    private final ReactiveAdapterRegistry adapters;
    private final List<ExceptionHandlers> advices;
    private final boolean includeExceptionMessage;
    private final SocketIoErrorAnswer errorAnswer;
    private final RateLimitedLog dropped = new RateLimitedLog(HandlerLog.LOG, Duration.ofSeconds(10));

    Invoker(HandlerExecutor executor, ReactiveAdapterRegistry adapters, List<ExceptionHandlers> advices,
            boolean includeExceptionMessage) {
        this(executor, adapters, advices, includeExceptionMessage, null);
    }

    Invoker(HandlerExecutor executor, ReactiveAdapterRegistry adapters, List<ExceptionHandlers> advices,
            boolean includeExceptionMessage, SocketIoErrorAnswer errorAnswer) {
        this.errorAnswer = errorAnswer;
        this.executor = executor;
        this.adapters = adapters;
        this.advices = advices;
        this.includeExceptionMessage = includeExceptionMessage;
    }

    void invoke(HandlerMethod method, ExceptionHandlers local, SocketIoInvocation invocation) {
        invoke(method, local, invocation, NOTHING);
    }

    /**
     * Invokes a handler method and answers; {@code done} runs once all of it is over: the method returned, or the
     * reactive value it returned completed, and its exception (if any) was handled.
     */
    void invoke(HandlerMethod method, ExceptionHandlers local, SocketIoInvocation invocation, Runnable done) {
        Object value;
        try {
            value = method.invoke(invocation);
        } catch (Throwable error) {
            handleError(error, method, local, invocation, done);
            return;
        }
        respond(value, method, invocation, error -> handleError(error, method, local, invocation, done), done);
    }

    /** Acks with what a method returned; {@code onError} handles a reactive value's error and then runs done. */
    private void respond(Object value, HandlerMethod method, SocketIoInvocation invocation,
            Consumer<Throwable> onError, Runnable done) {
        if (value == null) {
            done.run();
            return;
        }
        ReactiveAdapter adapter = adapters.getAdapter(value.getClass());
        if (adapter == null) {
            ack(method, invocation, value);
            done.run();
            return;
        }
        Publisher<?> publisher = adapter.toPublisher(value);
        if (adapter.isMultiValue()) {
            Flux.from(publisher).collectList().subscribe(list -> {
                ack(method, invocation, list);
                done.run();
            }, onError);
        } else {
            Mono.from(publisher).subscribe(result -> ack(method, invocation, result), onError, done);
        }
    }

    private static void ack(HandlerMethod method, SocketIoInvocation invocation, Object value) {
        if (invocation.ack() == null || method.hasAckParameter()) {
            return;
        }
        if (value instanceof AckArgs args) {
            invocation.ack().send(args.args().toArray());
        } else {
            invocation.ack().send(value);
        }
    }

    private void handleError(Throwable raw, HandlerMethod source, ExceptionHandlers local,
            SocketIoInvocation invocation, Runnable done) {
        Throwable error = unwrap(raw);
        if (error instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        HandlerMethod handler = local == null ? null : local.find(error);
        for (int i = 0; handler == null && i < advices.size(); i++) {
            handler = advices.get(i).find(error);
        }
        if (handler == null) {
            answerWithError(error, source, invocation);
            done.run();
            return;
        }
        HandlerMethod exceptionHandler = handler;
        Runnable handling = () -> {
            Object value;
            try {
                value = exceptionHandler.invoke(invocation.withException(error));
            } catch (Throwable failure) {
                answerWithError(unwrap(failure), exceptionHandler, invocation);
                done.run();
                return;
            }
            respond(value, exceptionHandler, invocation, failure -> {
                answerWithError(unwrap(failure), exceptionHandler, invocation);
                done.run();
            }, done);
        };
        if (exceptionHandler.blocking()) {
            SocketTaskQueue.runBlocking(executor, handling);
        } else {
            handling.run();
        }
    }

    private void answerWithError(Throwable error, HandlerMethod source, SocketIoInvocation invocation) {
        String where = source.description() + (invocation.event() == null ? "" : " for event '"
                + invocation.event() + "'") + (invocation.socket() == null ? " (server-side)"
                        : " of socket " + invocation.socket().id());
        if (error instanceof InvalidPayloadException && invocation.ack() == null) {
            // nobody else learns of it: the client asked for no answer
            dropped.warn(() -> where + " dropped the event: " + error.getMessage());
        } else if (error instanceof InvalidPayloadException || error instanceof SocketIoEventException) {
            if (HandlerLog.LOG.isDebugEnabled()) {
                HandlerLog.LOG.debug(where + " refused the event: " + error.getMessage());
            }
        } else {
            HandlerLog.LOG.error(where + " failed", error);
        }
        if (invocation.ack() != null) {
            Map<String, Object> body = errorBody(error, includeExceptionMessage);
            Object answer = body;
            if (errorAnswer != null) {
                try {
                    answer = errorAnswer.answer(invocation, error, body);
                } catch (RuntimeException failure) {
                    HandlerLog.LOG.error("The SocketIoErrorAnswer bean failed; answering with the default", failure);
                }
            }
            if (answer instanceof AckArgs args) {
                invocation.ack().send(args.args().toArray());
            } else {
                invocation.ack().send(answer);
            }
        }
    }

    /** {@code {"error":{"type":...,"message":...}}}, the default answer to a failed event. */
    static Map<String, Object> errorBody(Throwable error, boolean includeExceptionMessage) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (error instanceof InvalidPayloadException invalid) {
            details.put("type", invalid.bindingResult() == null ? "bad-payload" : "validation");
            details.put("message", invalid.getMessage());
            details.put("argument", invalid.argumentIndex());
            if (invalid.bindingResult() != null) {
                List<Map<String, Object>> fieldErrors = new ArrayList<>();
                for (ObjectError objectError : invalid.bindingResult().getAllErrors()) {
                    Map<String, Object> fieldError = new LinkedHashMap<>();
                    fieldError.put("field", objectError instanceof FieldError field ? field.getField() : null);
                    fieldError.put("message", objectError.getDefaultMessage());
                    fieldError.put("code", objectError.getCode());
                    fieldErrors.add(fieldError);
                }
                details.put("fieldErrors", fieldErrors);
            }
        } else if (error instanceof SocketIoEventException rejected) {
            details.put("type", "rejected");
            details.put("message", rejected.getMessage());
            if (rejected.data() != null) {
                details.put("data", rejected.data());
            }
        } else {
            details.put("type", "internal");
            details.put("message", includeExceptionMessage && error.getMessage() != null ? error.getMessage()
                    : "Internal server error");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", details);
        return body;
    }

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof InvocationTargetException || current instanceof UndeclaredThrowableException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
