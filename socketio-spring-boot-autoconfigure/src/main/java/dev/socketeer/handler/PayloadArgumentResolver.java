package dev.socketeer.handler;

import dev.socketeer.annotation.Payload;
import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.util.ArrayList;
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
 * {@link JsonMapper} and validated when the parameter carries {@code @Valid} or {@code @Validated}; or, for a varargs
 * parameter ({@code JsonNode... args}), every argument from its position on. One instance per parameter.
 *
 * <p>An argument is required unless its parameter is an {@code Optional}, carries an annotation named
 * {@code Nullable} (JSpecify's, Spring's, Jakarta's...), or {@code @Payload(required = false)}; in
 * {@code @OnAnyEvent} and exception handlers, unannotated parameters are optional. A missing required argument (or a
 * JSON {@code null} one, except for a {@code JsonNode} parameter, which gets a {@code NullNode}) fails the event
 * with {@code bad-payload}, naming the parameter.
 */
final class PayloadArgumentResolver implements SocketIoArgumentResolver {

    private final int index;
    private final boolean positional;
    private final boolean required;
    private final boolean variadic;
    private final JavaType type;
    private final JsonMapper mapper;
    private final Validator validator;
    private final Object[] validationHints;
    private final String description;

    private PayloadArgumentResolver(int index, boolean positional, boolean required, boolean variadic, JavaType type,
            JsonMapper mapper, Validator validator, Object[] validationHints, String description) {
        this.index = index;
        this.positional = positional;
        this.required = required;
        this.variadic = variadic;
        this.type = type;
        this.mapper = mapper;
        this.validator = validator;
        this.validationHints = validationHints;
        this.description = description;
    }

    static PayloadArgumentResolver create(MethodParameter parameter, int position, JsonMapper mapper,
            Validator validator, HandlerMethod.Kind kind) {
        Payload payload = parameter.getParameterAnnotation(Payload.class);
        boolean variadic = parameter.getMethod() != null && parameter.getMethod().isVarArgs()
                && parameter.getParameterIndex() == parameter.getMethod().getParameterCount() - 1;
        if (variadic && payload != null && payload.value() >= 0) {
            throw new IllegalStateException("Cannot bind " + HandlerMethod.describe(parameter) + ": a varargs"
                    + " parameter receives every argument from its position on; remove @Payload(" + payload.value()
                    + ")");
        }
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
        boolean optional = variadic || parameter.getParameterType() == Optional.class || nullable(parameter)
                || (payload == null ? kind != HandlerMethod.Kind.EVENT && kind != HandlerMethod.Kind.SERVER_SIDE_EVENT
                        : !payload.required());
        JavaType type = mapper.constructType(variadic ? parameter.getParameterType().getComponentType()
                : parameter.getGenericParameterType());
        String name = parameter.getParameterName();
        String description = "Argument " + index + (name == null ? "" : " '" + name + "'") + " ("
                + parameter.getParameterType().getSimpleName() + ")";
        return new PayloadArgumentResolver(index, positional, !optional, variadic, type, mapper, validator, hints,
                description);
    }

    /** A declaration annotation (Jakarta's, JSR 305) or a type-use one (JSpecify's) named {@code Nullable}. */
    private static boolean nullable(MethodParameter parameter) {
        List<Annotation> annotations = new ArrayList<>(List.of(parameter.getParameterAnnotations()));
        if (parameter.getParameterIndex() >= 0) {
            annotations.addAll(List.of(parameter.getParameter().getAnnotatedType().getAnnotations()));
        }
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    boolean positional() {
        return positional;
    }

    int index() {
        return index;
    }

    boolean variadic() {
        return variadic;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return true;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
        List<JsonNode> args = invocation.args();
        if (variadic) {
            return rest(args);
        }
        JsonNode node = index < args.size() ? args.get(index) : null;
        Class<?> raw = type.getRawClass();
        if (node != null && node.isNull() && JsonNode.class.isAssignableFrom(raw) && raw.isInstance(node)) {
            return node;                                       // JSON null is a value for a JsonNode parameter
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (required) {
                throw new InvalidPayloadException(description + " is required", index, null, null);
            }
            if (raw.isPrimitive()) {
                return ArgumentResolvers.BeanUtilsDefaults.of(raw);
            }
            return raw == Optional.class ? Optional.empty() : null;
        }
        Object value;
        try {
            value = JsonNode.class.isAssignableFrom(raw) && raw.isInstance(node) ? node : mapper.treeToValue(node, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new InvalidPayloadException(description + " is not a valid "
                    + type.getRawClass().getSimpleName(), index, null, e);
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
                throw new InvalidPayloadException(description + " is invalid", index, errors, null);
            }
        }
        return value;
    }

    /** The arguments from this parameter's position on, as an array of its component type. */
    private Object rest(List<JsonNode> args) {
        int count = Math.max(0, args.size() - index);
        Class<?> component = type.getRawClass();
        Object array = Array.newInstance(component, count);
        for (int i = 0; i < count; i++) {
            JsonNode node = args.get(index + i);
            Object value;
            if (node == null || (node.isNull() && !component.isInstance(node))) {
                value = component.isPrimitive() ? ArgumentResolvers.BeanUtilsDefaults.of(component) : null;
            } else if (component != Object.class && component.isInstance(node)) {
                value = node;
            } else {
                try {
                    value = mapper.treeToValue(node, type);
                } catch (JacksonException | IllegalArgumentException e) {
                    throw new InvalidPayloadException(description + ": argument " + (index + i) + " is not a valid "
                            + component.getSimpleName(), index + i, null, e);
                }
            }
            Array.set(array, i, value);
        }
        return array;
    }
}
