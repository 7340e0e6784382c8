package dev.socketeer.handler;

import java.lang.reflect.Method;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.ReactiveAdapterRegistry;

/** Creates invocable handler methods, calling through an AOP proxy when the bean is one. */
final class AnnotatedMethods {

    private AnnotatedMethods() {
    }

    static HandlerMethod handlerMethod(HandlerMethod.Kind kind, Object bean, Class<?> beanType, Method method,
            ArgumentResolvers resolvers, ReactiveAdapterRegistry adapters, boolean nonBlockingByDefault) {
        Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
        return new HandlerMethod(kind, bean, beanType, method, invocable, resolvers, adapters, nonBlockingByDefault);
    }
}
