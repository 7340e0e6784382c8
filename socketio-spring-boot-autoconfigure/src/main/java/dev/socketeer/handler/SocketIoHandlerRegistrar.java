package dev.socketeer.handler;

import dev.socketeer.annotation.OnAnyEvent;
import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnDisconnect;
import dev.socketeer.annotation.OnDisconnecting;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.OnServerSideEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.annotation.SocketIoControllerAdvice;
import dev.socketeer.server.Namespace;
import dev.socketeer.server.SocketIoServer;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Validator;

/**
 * Detects the {@link SocketIoController} beans once, after every singleton is created and before the server
 * accepts connections, and registers their methods on the {@link SocketIoServer}'s namespaces; also registers the
 * {@link SocketIoMiddleware} beans, and uses the {@link SocketIoArgumentResolver} beans, the
 * {@link SocketIoControllerAdvice} beans and a {@link SocketIoErrorAnswer} bean. Fails startup on an ambiguous
 * mapping (two handlers for one event of a namespace) or a parameter nothing can bind, with a message naming the
 * methods.
 *
 * <p>Blocking handler methods (those not returning a reactive type or {@code CompletionStage}, unless
 * {@code @NonBlocking}) run on the {@link HandlerExecutor}; the others are invoked on the event loop. Either way, the handlers of one socket run
 * one at a time, in the order of its events.
 */
public final class SocketIoHandlerRegistrar implements SmartInitializingSingleton, ApplicationContextAware {

    private final SocketIoServer server;
    private final HandlerExecutor executor;
    private ApplicationContext context;
    private Validator validator;
    private boolean includeExceptionMessage;
    private ReactiveAdapterRegistry adapters = ReactiveAdapterRegistry.getSharedInstance();
    private boolean nonBlockingByDefault;
    private volatile boolean registered;

    public SocketIoHandlerRegistrar(SocketIoServer server, HandlerExecutor executor) {
        this.server = Objects.requireNonNull(server, "server");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    /** The validator of {@code @Valid}/{@code @Validated} payloads; without one, such parameters fail startup. */
    public void setValidator(Validator validator) {
        this.validator = validator;
    }

    /** Whether the default error answer carries the exception's message (off: "Internal server error"). */
    public void setIncludeExceptionMessage(boolean includeExceptionMessage) {
        this.includeExceptionMessage = includeExceptionMessage;
    }

    /**
     * Whether methods returning plain values run on the event loop unless annotated {@code @Blocking} (off: they run
     * on the handler executor unless annotated {@code @NonBlocking}).
     */
    public void setNonBlockingByDefault(boolean nonBlockingByDefault) {
        this.nonBlockingByDefault = nonBlockingByDefault;
    }

    /** Adapts reactive return values; the shared registry by default. */
    public void setReactiveAdapterRegistry(ReactiveAdapterRegistry adapters) {
        this.adapters = Objects.requireNonNull(adapters, "adapters");
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (registered) {
            return;
        }
        registered = true;
        register();
    }

    private void register() {
        ArgumentResolvers resolvers = new ArgumentResolvers(
                context.getBeanProvider(SocketIoArgumentResolver.class).orderedStream().toList(),
                server.options().jsonMapper(), validator);
        List<Object[]> adviceBeans = new ArrayList<>();
        Map<String, NamespaceHandlers> namespaces = new LinkedHashMap<>();
        Map<String, String> patterns = new LinkedHashMap<>();
        for (String beanName : context.getBeanNamesForType(Object.class)) {
            if (ScopedProxyUtils.isScopedTarget(beanName)) {
                continue;
            }
            Class<?> beanType = targetType(beanName);
            if (beanType == null) {
                continue;
            }
            if (AnnotatedElementUtils.hasAnnotation(beanType, SocketIoControllerAdvice.class)) {
                adviceBeans.add(new Object[] { context.getBean(beanName), beanType });
            }
            SocketIoController controller = AnnotatedElementUtils.findMergedAnnotation(beanType,
                    SocketIoController.class);
            if (controller != null) {
                detectController(context.getBean(beanName), beanType, controller, resolvers, namespaces, patterns);
            }
        }
        adviceBeans.sort((a, b) -> AnnotationAwareOrderComparator.INSTANCE.compare(a[0], b[0]));
        List<ExceptionHandlers> advices = new ArrayList<>();
        for (Object[] advice : adviceBeans) {
            advices.add(ExceptionHandlers.detect(advice[0], (Class<?>) advice[1], resolvers, adapters,
                    nonBlockingByDefault));
        }
        Invoker invoker = new Invoker(executor, adapters, List.copyOf(advices), includeExceptionMessage,
                context.getBeanProvider(SocketIoErrorAnswer.class).getIfUnique());

        Map<String, Namespace> targets = new LinkedHashMap<>();
        targets.put("/", server.sockets());
        namespaces.forEach((key, handlers) -> targets.computeIfAbsent(key, k -> namespaceFor(k, patterns)));
        registerMiddlewares(targets, patterns);
        PendingHandlers pending = new PendingHandlers();
        server.awaitOnClose(pending::idle);
        namespaces.forEach((key, handlers) -> {
            targets.get(key).onConnection(socket -> handlers.attach(socket, invoker, executor, pending));
            handlers.attachServerSide(targets.get(key), invoker, executor);
        });
        if (HandlerLog.LOG.isInfoEnabled()) {
            namespaces.forEach((key, handlers) -> HandlerLog.LOG.info(handlers.describeThreads(executor)));
        }
    }

    private Class<?> targetType(String beanName) {
        Class<?> type = null;
        if (context instanceof ConfigurableApplicationContext configurable) {
            ConfigurableListableBeanFactory factory = configurable.getBeanFactory();
            try {
                type = AutoProxyUtils.determineTargetClass(factory, beanName);
            } catch (RuntimeException e) {
                return null;
            }
        }
        if (type == null) {
            type = context.getType(beanName);
        }
        return type == null ? null : ClassUtils.getUserClass(type);
    }

    private void detectController(Object bean, Class<?> beanType, SocketIoController controller,
            ArgumentResolvers resolvers, Map<String, NamespaceHandlers> namespaces, Map<String, String> patterns) {
        String key = namespaceKey(beanType, controller, patterns);
        NamespaceHandlers handlers = namespaces.computeIfAbsent(key, NamespaceHandlers::new);
        ExceptionHandlers local = ExceptionHandlers.detect(bean, beanType, resolvers, adapters,
                nonBlockingByDefault);
        Map<Method, List<Annotation>> methods = MethodIntrospector.selectMethods(beanType,
                (MethodIntrospector.MetadataLookup<List<Annotation>>) method -> {
                    List<Annotation> found = new ArrayList<>();
                    for (Class<? extends Annotation> type : List.of(OnConnect.class, OnEvent.class, OnAnyEvent.class,
                            OnDisconnecting.class, OnDisconnect.class, OnServerSideEvent.class)) {
                        Annotation annotation = AnnotatedElementUtils.findMergedAnnotation(method, type);
                        if (annotation != null) {
                            found.add(annotation);
                        }
                    }
                    return found.isEmpty() ? null : found;
                });
        methods.forEach((method, annotations) -> {
            if (annotations.size() > 1) {
                throw new IllegalStateException("Method " + HandlerMethod.describe(method) + " carries "
                        + annotations.size() + " handler annotations; give each its own method");
            }
            Annotation annotation = annotations.get(0);
            HandlerMethod.Kind kind = annotation instanceof OnConnect ? HandlerMethod.Kind.CONNECT
                    : annotation instanceof OnEvent ? HandlerMethod.Kind.EVENT
                    : annotation instanceof OnAnyEvent ? HandlerMethod.Kind.ANY_EVENT
                    : annotation instanceof OnDisconnecting ? HandlerMethod.Kind.DISCONNECTING
                    : annotation instanceof OnServerSideEvent ? HandlerMethod.Kind.SERVER_SIDE_EVENT
                    : HandlerMethod.Kind.DISCONNECT;
            NamespaceHandlers.Mapped mapped = new NamespaceHandlers.Mapped(
                    AnnotatedMethods.handlerMethod(kind, bean, beanType, method, resolvers, adapters,
                            nonBlockingByDefault), local);
            switch (kind) {
                case CONNECT -> handlers.addConnect(mapped);
                case EVENT -> handlers.addEvent(((OnEvent) annotation).value(), mapped);
                case ANY_EVENT -> handlers.addAnyEvent(mapped);
                case DISCONNECTING -> handlers.addDisconnecting(mapped);
                case SERVER_SIDE_EVENT -> handlers.addServerSideEvent(((OnServerSideEvent) annotation).value(), mapped);
                default -> handlers.addDisconnect(mapped);
            }
        });
    }

    private static String namespaceKey(Class<?> beanType, SocketIoController controller, Map<String, String> patterns) {
        String name = controller.namespace();
        String pattern = controller.namespacePattern();
        if (!name.isEmpty() && !pattern.isEmpty()) {
            throw new IllegalStateException("@SocketIoController " + beanType.getName()
                    + " gives both namespace and namespacePattern; give one of them");
        }
        if (!pattern.isEmpty()) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalStateException("@SocketIoController " + beanType.getName()
                        + " has an invalid namespacePattern: " + e.getMessage(), e);
            }
            String key = "pattern " + pattern;
            patterns.put(pattern, key);
            return key;
        }
        return name.isEmpty() ? "/" : name.startsWith("/") ? name : "/" + name;
    }

    private Namespace namespaceFor(String key, Map<String, String> patterns) {
        for (Map.Entry<String, String> pattern : patterns.entrySet()) {
            if (pattern.getValue().equals(key)) {
                return server.of(Pattern.compile(pattern.getKey()));
            }
        }
        return server.of(key);
    }

    private void registerMiddlewares(Map<String, Namespace> targets, Map<String, String> patterns) {
        for (SocketIoMiddleware middleware : context.getBeanProvider(SocketIoMiddleware.class).orderedStream()
                .toList()) {
            if (middleware.namespaces().isEmpty()) {
                targets.values().forEach(namespace -> namespace.use(middleware::apply));
                continue;
            }
            for (String name : middleware.namespaces()) {
                String patternKey = patterns.get(name);
                Namespace namespace = patternKey != null ? targets.get(patternKey)
                        : targets.computeIfAbsent(name.startsWith("/") ? name : "/" + name, server::of);
                namespace.use(middleware::apply);
            }
        }
    }
}
