package dev.socketeer.handler;

import dev.socketeer.annotation.Payload;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.SmartValidator;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.ValidationAnnotationUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds one event argument, by position or {@link Payload#value()}, converted with the application's
 * {@link JsonMapper} and validated when the parameter carries {@code @Valid} or {@code @Validated}. One instance per
 * parameter.
 */
final class PayloadArgumentResolver implements SocketIoArgumentResolver {

    private final int index;
    private final boolean positional;
    private final boolean required;
    private final JavaType type;
    private final JsonMapper mapper;
    private final Validator validator;
    private final Object[] validationHints;
    private final String typeName;

    private PayloadArgumentResolver(int index, boolean positional, boolean required, JavaType type, JsonMapper mapper,
            Validator validator, Object[] validationHints, String typeName) {
        this.index = index;
        this.positional = positional;
        this.required = required;
        this.type = type;
        this.mapper = mapper;
        this.validator = validator;
        this.validationHints = validationHints;
        this.typeName = typeName;
    }

    static PayloadArgumentResolver create(MethodParameter parameter, int position, JsonMapper mapper,
            Validator validator) {
        Payload payload = parameter.getParameterAnnotation(Payload.class);
        boolean positional = payload == null || payload.value() < 0;
        int index = positional ? position : payload.value();
        Object[] hints = null;
        for (Annotation annotation : parameter.getParameterAnnotations()) {
            Object[] found = ValidationAnnotationUtils.determineValidationHints(annotation);
            if (found != null) {
                hints = found;
                break;
            }
        }
        if (hints != null && validator == null) {
            throw new IllegalStateException("Cannot validate " + HandlerMethod.describe(parameter)
                    + ": no Bean Validation provider; add spring-boot-starter-validation (Hibernate Validator) or"
                    + " remove @Valid/@Validated");
        }
        JavaType type = mapper.constructType(parameter.getGenericParameterType());
        return new PayloadArgumentResolver(index, positional, payload != null && payload.required(), type, mapper,
                validator, hints, parameter.getParameterType().getSimpleName());
    }

    boolean positional() {
        return positional;
    }

    int index() {
        return index;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return true;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
        List<JsonNode> args = invocation.args();
        JsonNode node = index < args.size() ? args.get(index) : null;
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (required) {
                throw new InvalidPayloadException("Argument " + index + " (" + typeName + ") is required", index, null,
                        null);
            }
            Class<?> raw = type.getRawClass();
            if (raw.isPrimitive()) {
                return ArgumentResolvers.BeanUtilsDefaults.of(raw);
            }
            if (raw == Optional.class) {
                return Optional.empty();
            }
            if (JsonNode.class.isAssignableFrom(raw) && node != null && raw.isInstance(node)) {
                return node;
            }
            return null;
        }
        Object value;
        try {
            value = mapper.treeToValue(node, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new InvalidPayloadException("Argument " + index + " is not a valid " + typeName, index, null, e);
        }
        if (validationHints != null && value != null) {
            BeanPropertyBindingResult errors = new BeanPropertyBindingResult(value, parameter.getParameterName() == null
                    ? "arg" + index : parameter.getParameterName());
            if (validator instanceof SmartValidator smart) {
                smart.validate(value, errors, validationHints);
            } else {
                validator.validate(value, errors);
            }
            if (errors.hasErrors()) {
                throw new InvalidPayloadException("Argument " + index + " (" + typeName + ") is invalid", index, errors,
                        null);
            }
        }
        return value;
    }
}
