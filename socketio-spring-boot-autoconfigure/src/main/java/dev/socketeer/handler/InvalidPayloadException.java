package dev.socketeer.handler;

import org.springframework.validation.BindingResult;

/**
 * An event argument could not be converted to its parameter's type, or failed Bean Validation ({@code @Valid},
 * {@code @Validated}). Exception handlers may handle it; by default the acknowledgement is answered with
 * {@code {"error":{"type":"validation","message":...,"fieldErrors":[{"field":...,"message":...}]}}} (or type
 * {@code "bad-payload"} for a conversion failure) and the socket stays connected.
 */
public class InvalidPayloadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int argumentIndex;
    private final transient BindingResult bindingResult;

    public InvalidPayloadException(String message, int argumentIndex, BindingResult bindingResult, Throwable cause) {
        super(message, cause);
        this.argumentIndex = argumentIndex;
        this.bindingResult = bindingResult;
    }

    /** The index of the event argument. */
    public int argumentIndex() {
        return argumentIndex;
    }

    /** The validation errors, or {@code null} when the argument could not be converted. */
    public BindingResult bindingResult() {
        return bindingResult;
    }
}
