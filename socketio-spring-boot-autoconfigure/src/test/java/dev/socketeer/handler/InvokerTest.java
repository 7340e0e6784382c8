package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.validation.BeanPropertyBindingResult;

class InvokerTest {

    record Message(String text) {
    }

    @Test
    void unexpectedExceptionAnswersWithAGenericMessageUnlessConfigured() {
        IllegalStateException error = new IllegalStateException("database password is hunter2");
        assertThat(Invoker.errorBody(error, false))
                .isEqualTo(Map.of("error", Map.of("type", "internal", "message", "Internal server error")));
        assertThat(Invoker.errorBody(error, true)).isEqualTo(
                Map.of("error", Map.of("type", "internal", "message", "database password is hunter2")));
    }

    @Test
    void validationErrorListsFieldErrors() {
        BeanPropertyBindingResult errors = new BeanPropertyBindingResult(new Message(""), "message");
        errors.rejectValue("text", "NotBlank", "must not be blank");
        Map<String, Object> body = Invoker.errorBody(new InvalidPayloadException("Argument 0 (Message) is invalid", 0,
                errors, null), false);
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) body.get("error");
        assertThat(details).containsEntry("type", "validation").containsEntry("argument", 0);
        assertThat(details.get("fieldErrors"))
                .isEqualTo(List.of(Map.of("field", "text", "message", "must not be blank", "code", "NotBlank")));
    }

    @Test
    void rejectionCarriesItsMessageAndData() {
        assertThat(Invoker.errorBody(new SocketIoEventException("not allowed", List.of(1)), false)).isEqualTo(
                Map.of("error", Map.of("type", "rejected", "message", "not allowed", "data", List.of(1))));
    }

    @Test
    void wrappersAreUnwrapped() {
        IllegalArgumentException cause = new IllegalArgumentException("x");
        assertThat(Invoker.unwrap(new CompletionException(new InvocationTargetException(cause)))).isSameAs(cause);
        assertThat(Invoker.unwrap(cause)).isSameAs(cause);
    }
}
