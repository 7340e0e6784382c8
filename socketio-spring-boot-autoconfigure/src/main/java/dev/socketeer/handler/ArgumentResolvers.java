package dev.socketeer.handler;

import dev.socketeer.annotation.EventName;
import dev.socketeer.annotation.HandshakeAuth;
import dev.socketeer.annotation.HandshakeQuery;
import dev.socketeer.annotation.Payload;
import dev.socketeer.server.Ack;
import dev.socketeer.server.Handshake;
import dev.socketeer.server.Namespace;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import java.lang.reflect.Modifier;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.BeanUtils;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.validation.Validator;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ordered chain of argument resolvers: the application's, then the built-in ones, then event arguments
 * (payloads) for whatever is left. Chooses one resolver per parameter, once, at startup.
 */
final class ArgumentResolvers {

    private static final Ack NO_ACK = args -> {
    };

    private final List<SocketIoArgumentResolver> chain = new ArrayList<>();
    private final JsonMapper mapper;
    private final Validator validator;

    ArgumentResolvers(List<SocketIoArgumentResolver> custom, JsonMapper mapper, Validator validator) {
        this.mapper = mapper;
        this.validator = validator;
        chain.addAll(custom);
        chain.add(new TypeResolver(Socket.class, (p, inv) -> inv.socket()));
        chain.add(new TypeResolver(Handshake.class, (p, inv) -> inv.socket().handshake()));
        chain.add(new TypeResolver(Namespace.class, (p, inv) -> inv.namespace()));
        chain.add(new TypeResolver(SocketIoServer.class, (p, inv) -> inv.namespace().server()));
        chain.add(new TypeResolver(Ack.class, (p, inv) -> inv.ack() == null ? NO_ACK : inv.ack()));
        chain.add(new TypeResolver(DisconnectReason.class, (p, inv) -> inv.disconnectReason()));
        chain.add(new PrincipalResolver());
        chain.add(new EventNameResolver());
        chain.add(new HandshakeAuthResolver(mapper));
        chain.add(new HandshakeQueryResolver(DefaultConversionService.getSharedInstance()));
    }

    /** The resolver for a parameter, or a startup failure naming it. */
    SocketIoArgumentResolver select(MethodParameter parameter, int payloadPosition, HandlerMethod.Kind kind) {
        Class<?> type = parameter.getParameterType();
        if (kind == HandlerMethod.Kind.EXCEPTION && Throwable.class.isAssignableFrom(type)) {
            return new ExceptionResolver();
        }
        if (type == SocketIoInvocation.class) {
            throw new IllegalStateException("Cannot bind " + HandlerMethod.describe(parameter)
                    + ": SocketIoInvocation is what a SocketIoArgumentResolver reads, not a handler parameter. To"
                    + " receive every event argument, declare a varargs parameter last (JsonNode... args); to"
                    + " receive one, a parameter of its type");
        }
        if (!parameter.hasParameterAnnotation(Payload.class)) {
            for (SocketIoArgumentResolver resolver : chain) {
                if (resolver.supportsParameter(parameter)) {
                    check(parameter, kind, type);
                    if (kind == HandlerMethod.Kind.SERVER_SIDE_EVENT && !(type == Ack.class || type == Namespace.class
                            || type == SocketIoServer.class || resolver instanceof EventNameResolver)) {
                        throw new IllegalStateException("Cannot bind " + HandlerMethod.describe(parameter)
                                + ": @OnServerSideEvent methods have no socket; they receive the event's arguments,"
                                + " an Ack, the Namespace, the SocketIoServer and @EventName");
                    }
                    return resolver;
                }
            }
        }
        if (!parameter.hasParameterAnnotation(Payload.class) && !payloadLike(type)) {
            throw new IllegalStateException("Cannot bind " + HandlerMethod.describe(parameter)
                    + ": no SocketIoArgumentResolver supports it. Annotate it with @Payload to bind an event argument,"
                    + " or declare a SocketIoArgumentResolver bean that supports it");
        }
        if (!kind.takesEventArguments()) {
            throw new IllegalStateException("Cannot bind " + HandlerMethod.describe(parameter) + ": " + kind.annotation
                    + " methods receive no event arguments (only @OnEvent, @OnAnyEvent, @OnServerSideEvent and"
                    + " @SocketIoExceptionHandler methods do); supported here: Socket, Handshake, Namespace, SocketIoServer, Principal,"
                    + " @HandshakeAuth, @HandshakeQuery" + (kind == HandlerMethod.Kind.DISCONNECT
                            || kind == HandlerMethod.Kind.DISCONNECTING ? ", DisconnectReason" : ""));
        }
        return PayloadArgumentResolver.create(parameter, payloadPosition, mapper, validator, kind);
    }

    private static void check(MethodParameter parameter, HandlerMethod.Kind kind, Class<?> type) {
        if (Ack.class.equals(type) && kind != HandlerMethod.Kind.EVENT && kind != HandlerMethod.Kind.EXCEPTION
                && kind != HandlerMethod.Kind.SERVER_SIDE_EVENT) {
            throw new IllegalStateException("Cannot bind " + HandlerMethod.describe(parameter) + ": " + kind.annotation
                    + " methods have no acknowledgement to answer (only @OnEvent, @OnServerSideEvent and"
                    + " @SocketIoExceptionHandler methods do)");
        }
        if (DisconnectReason.class.equals(type) && kind != HandlerMethod.Kind.DISCONNECT
                && kind != HandlerMethod.Kind.DISCONNECTING) {
            throw new IllegalStateException("Cannot bind " + HandlerMethod.describe(parameter)
                    + ": a DisconnectReason exists only in @OnDisconnect and @OnDisconnecting methods");
        }
    }

    /** Types taken for event arguments without {@code @Payload}: JSON-like values, not services or interfaces. */
    static boolean payloadLike(Class<?> type) {
        if (type.isPrimitive() || type.isArray() || type.isEnum() || type.isRecord()
                || JsonNode.class.isAssignableFrom(type) || BeanUtils.isSimpleValueType(type)
                || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)
                || Optional.class.equals(type) || Object.class.equals(type)) {
            return true;
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        String pkg = type.getPackageName();
        return !(pkg.startsWith("dev.socketeer.") || pkg.startsWith("org.springframework.")
                || pkg.startsWith("reactor.") || pkg.startsWith("java.util.concurrent")
                || pkg.startsWith("java.util.function"));
    }

    @FunctionalInterface
    private interface Resolution {
        Object resolve(MethodParameter parameter, SocketIoInvocation invocation);
    }

    private record TypeResolver(Class<?> type, Resolution resolution) implements SocketIoArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return type.equals(parameter.getParameterType());
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
            return resolution.resolve(parameter, invocation);
        }
    }

    /** The authenticated user of the request that opened the connection ({@code Handshake.principal()}). */
    private static final class PrincipalResolver implements SocketIoArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Principal.class.isAssignableFrom(parameter.getParameterType());
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
            Principal principal = invocation.socket().handshake().principal();
            return parameter.getParameterType().isInstance(principal) ? principal : null;
        }
    }

    private static final class EventNameResolver implements SocketIoArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.hasParameterAnnotation(EventName.class);
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
            return invocation.event();
        }
    }

    private static final class ExceptionResolver implements SocketIoArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Throwable.class.isAssignableFrom(parameter.getParameterType());
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
            Throwable error = invocation.exception();
            return parameter.getParameterType().isInstance(error) ? error : null;
        }
    }

    private static final class HandshakeAuthResolver implements SocketIoArgumentResolver {

        private final JsonMapper mapper;

        HandshakeAuthResolver(JsonMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.hasParameterAnnotation(HandshakeAuth.class);
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
            String field = parameter.getParameterAnnotation(HandshakeAuth.class).value();
            JsonNode auth = invocation.socket().handshake().auth();
            JsonNode value = auth == null ? null : field.isEmpty() ? auth : auth.get(field);
            if (value == null || value.isNull() || value.isMissingNode()) {
                return parameter.getParameterType().isPrimitive() ? BeanUtilsDefaults.of(parameter.getParameterType())
                        : null;
            }
            JavaType type = mapper.constructType(parameter.getGenericParameterType());
            return mapper.treeToValue(value, type);
        }
    }

    private static final class HandshakeQueryResolver implements SocketIoArgumentResolver {

        private final ConversionService conversions;

        HandshakeQueryResolver(ConversionService conversions) {
            this.conversions = conversions;
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.hasParameterAnnotation(HandshakeQuery.class);
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) {
            String name = parameter.getParameterAnnotation(HandshakeQuery.class).value();
            Map<String, String> query = invocation.socket().handshake().query();
            String value = query == null ? null : query.get(name);
            if (value == null) {
                return parameter.getParameterType().isPrimitive() ? BeanUtilsDefaults.of(parameter.getParameterType())
                        : null;
            }
            return conversions.convert(value, TypeDescriptor.valueOf(String.class), new TypeDescriptor(parameter));
        }
    }

    /** Default values of primitives, for absent optional arguments. */
    static final class BeanUtilsDefaults {

        private BeanUtilsDefaults() {
        }

        static Object of(Class<?> primitive) {
            if (primitive == boolean.class) {
                return false;
            }
            if (primitive == char.class) {
                return '\0';
            }
            if (primitive == long.class) {
                return 0L;
            }
            if (primitive == float.class) {
                return 0f;
            }
            if (primitive == double.class) {
                return 0d;
            }
            if (primitive == byte.class) {
                return (byte) 0;
            }
            if (primitive == short.class) {
                return (short) 0;
            }
            return 0;
        }
    }
}
