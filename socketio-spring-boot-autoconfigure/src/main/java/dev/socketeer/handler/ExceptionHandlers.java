package dev.socketeer.handler;

import dev.socketeer.annotation.SocketIoExceptionHandler;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.ExceptionDepthComparator;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The {@link SocketIoExceptionHandler} methods of one bean, by exception type; the closest match wins. Lookups are
 * cached per exception class.
 */
final class ExceptionHandlers {

    static final ExceptionHandlers NONE = new ExceptionHandlers(Map.of());

    private final Map<Class<? extends Throwable>, HandlerMethod> byType;
    private final Map<Class<?>, Optional<HandlerMethod>> cache = new ConcurrentHashMap<>();

    private ExceptionHandlers(Map<Class<? extends Throwable>, HandlerMethod> byType) {
        this.byType = byType;
    }

    static ExceptionHandlers detect(Object bean, Class<?> beanType, ArgumentResolvers resolvers,
            ReactiveAdapterRegistry adapters, boolean nonBlockingByDefault) {
        Map<Method, SocketIoExceptionHandler> methods = MethodIntrospector.selectMethods(beanType,
                (MethodIntrospector.MetadataLookup<SocketIoExceptionHandler>) method -> AnnotatedElementUtils
                        .findMergedAnnotation(method, SocketIoExceptionHandler.class));
        if (methods.isEmpty()) {
            return NONE;
        }
        Map<Class<? extends Throwable>, HandlerMethod> byType = new LinkedHashMap<>();
        methods.forEach((method, annotation) -> {
            HandlerMethod handler = AnnotatedMethods.handlerMethod(HandlerMethod.Kind.EXCEPTION, bean, beanType, method,
                    resolvers, adapters, nonBlockingByDefault);
            for (Class<? extends Throwable> type : exceptionTypes(method, annotation)) {
                HandlerMethod previous = byType.putIfAbsent(type, handler);
                if (previous != null) {
                    throw new IllegalStateException("Two @SocketIoExceptionHandler methods handle " + type.getName()
                            + ": " + previous.description() + " and " + handler.description()
                            + "; keep one of them");
                }
            }
        });
        return new ExceptionHandlers(byType);
    }

    @SuppressWarnings("unchecked")
    private static List<Class<? extends Throwable>> exceptionTypes(Method method, SocketIoExceptionHandler annotation) {
        List<Class<? extends Throwable>> types = new ArrayList<>(List.of(annotation.value()));
        if (types.isEmpty()) {
            for (Class<?> parameterType : method.getParameterTypes()) {
                if (Throwable.class.isAssignableFrom(parameterType)) {
                    types.add((Class<? extends Throwable>) parameterType);
                }
            }
        }
        if (types.isEmpty()) {
            throw new IllegalStateException("@SocketIoExceptionHandler method " + HandlerMethod.describe(method)
                    + " names no exception: list them in the annotation or declare an exception parameter");
        }
        return types;
    }

    /** The handler for this exception, or {@code null}. */
    HandlerMethod find(Throwable error) {
        if (byType.isEmpty()) {
            return null;
        }
        return cache.computeIfAbsent(error.getClass(), type -> {
            List<Class<? extends Throwable>> matches = new ArrayList<>();
            for (Class<? extends Throwable> candidate : byType.keySet()) {
                if (candidate.isAssignableFrom(type)) {
                    matches.add(candidate);
                }
            }
            if (matches.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(byType.get(ExceptionDepthComparator.findClosestMatch(matches, error)));
        }).orElse(null);
    }
}
