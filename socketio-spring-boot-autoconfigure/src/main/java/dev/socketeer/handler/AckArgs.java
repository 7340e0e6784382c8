package dev.socketeer.handler;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Returned by a handler method (directly or through a {@code Mono}/{@code CompletionStage}) to answer the
 * acknowledgement with several arguments: {@code return AckArgs.of(null, result)} calls the client's callback with
 * {@code (null, result)}. Any other value is one argument.
 *
 * @param args the acknowledgement arguments, in order ({@code null} elements allowed)
 */
public record AckArgs(List<Object> args) {

    public AckArgs {
        args = args == null ? List.of() : Collections.unmodifiableList(Arrays.asList(args.toArray()));
    }

    /** The acknowledgement arguments given. */
    public static AckArgs of(Object... args) {
        return new AckArgs(Arrays.asList(args == null ? new Object[] { null } : args));
    }
}
