package dev.socketeer.handler;

import dev.socketeer.server.Ack;
import dev.socketeer.annotation.Blocking;
import dev.socketeer.annotation.NonBlocking;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.SynthesizingMethodParameter;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * One detected handler method with the resolver chosen for each of its parameters, ready to invoke.
 */
final class HandlerMethod {

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    /** What a method handles; it decides which parameters make sense. */
    enum Kind {
        CONNECT("@OnConnect"), EVENT("@OnEvent"), ANY_EVENT("@OnAnyEvent"), DISCONNECTING("@OnDisconnecting"),
        DISCONNECT("@OnDisconnect"), SERVER_SIDE_EVENT("@OnServerSideEvent"), EXCEPTION("@SocketIoExceptionHandler");

        final String annotation;

        Kind(String annotation) {
            this.annotation = annotation;
        }

        boolean takesEventArguments() {
            return this == EVENT || this == ANY_EVENT || this == SERVER_SIDE_EVENT || this == EXCEPTION;
        }
    }

    private final Kind kind;

    private final Object bean;
    private final Method method;
    private final Method invocable;
    private final MethodParameter[] parameters;
    private final SocketIoArgumentResolver[] resolvers;
    private final ReactiveAdapter returnAdapter;
    private final boolean hasAckParameter;
    private final boolean returnsVoid;
    private final boolean blocking;

    HandlerMethod(Kind kind, Object bean, Class<?> beanType, Method method, Method invocable,
            ArgumentResolvers resolverChain, ReactiveAdapterRegistry adapters, boolean nonBlockingByDefault) {
        this.kind = kind;
        this.bean = bean;
        this.method = method;
        this.invocable = invocable;
        ReflectionUtils.makeAccessible(invocable);
        int count = method.getParameterCount();
        this.parameters = new MethodParameter[count];
        this.resolvers = new SocketIoArgumentResolver[count];
        boolean ack = false;
        int payloadPosition = 0;
        for (int i = 0; i < count; i++) {
            MethodParameter parameter = new SynthesizingMethodParameter(method, i).withContainingClass(beanType);
            parameter.initParameterNameDiscovery(NAMES);
            parameters[i] = parameter;
            SocketIoArgumentResolver resolver = resolverChain.select(parameter, payloadPosition, kind);
            if (resolver instanceof PayloadArgumentResolver payload && payload.positional()) {
                payloadPosition++;
            }
            resolvers[i] = resolver;
            ack |= Ack.class.equals(parameter.getParameterType());
        }
        this.hasAckParameter = ack;
        Class<?> returnType = method.getReturnType();
        this.returnsVoid = returnType == void.class || returnType == Void.class;
        this.returnAdapter = returnsVoid ? null : adapters.getAdapter(returnType);
        this.blocking = blocking(method, beanType, returnAdapter == null && !nonBlockingByDefault);
    }

    /** The method's {@code @Blocking}/{@code @NonBlocking}, else its class's, else the given default. */
    private static boolean blocking(Method method, Class<?> beanType, boolean byDefault) {
        Boolean declared = declaredBlocking(method, HandlerMethod.describe(method));
        if (declared == null) {
            declared = declaredBlocking(beanType, beanType.getName());
        }
        return declared == null ? byDefault : declared;
    }

    private static Boolean declaredBlocking(AnnotatedElement element, String name) {
        boolean blocking = AnnotatedElementUtils.hasAnnotation(element, Blocking.class);
        boolean nonBlocking = AnnotatedElementUtils.hasAnnotation(element, NonBlocking.class);
        if (blocking && nonBlocking) {
            throw new IllegalStateException(name + " is annotated both @Blocking and @NonBlocking; keep one");
        }
        return blocking ? Boolean.TRUE : nonBlocking ? Boolean.FALSE : null;
    }

    /**
     * Whether the method runs on the handler executor: by default anything not returning a reactive type or a
     * {@code CompletionStage}; {@code @NonBlocking}/{@code @Blocking} on the method or its class decide otherwise.
     */
    boolean blocking() {
        return blocking;
    }

    Kind kind() {
        return kind;
    }

    boolean hasAckParameter() {
        return hasAckParameter;
    }

    boolean returnsVoid() {
        return returnsVoid;
    }

    Method method() {
        return method;
    }

    Object bean() {
        return bean;
    }

    List<SocketIoArgumentResolver> resolvers() {
        return List.of(resolvers);
    }

    /** Resolves the arguments and invokes the method; exceptions are the method's own, unwrapped. */
    Object invoke(SocketIoInvocation invocation) throws Throwable {
        Object[] args = new Object[parameters.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = resolvers[i].resolveArgument(parameters[i], invocation);
        }
        try {
            return invocable.invoke(bean, args);
        } catch (InvocationTargetException e) {
            throw e.getTargetException();
        }
    }

    /** {@code ChatController#send(Socket, ChatMessage)}, for messages. */
    String description() {
        return describe(method);
    }

    static String describe(Method method) {
        StringBuilder text = new StringBuilder(ClassUtils.getUserClass(method.getDeclaringClass()).getName())
                .append('#').append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            text.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return text.append(')').toString();
    }

    static String describe(MethodParameter parameter) {
        String name = parameter.getParameterName();
        return "parameter " + parameter.getParameterIndex() + (name == null ? "" : " '" + name + "'") + " ("
                + parameter.getGenericParameterType().getTypeName() + ") of " + describe(parameter.getMethod());
    }

    @Override
    public String toString() {
        return description();
    }
}
