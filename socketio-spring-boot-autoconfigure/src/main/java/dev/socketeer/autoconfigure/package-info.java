/**
 * Spring Boot auto-configuration: properties to beans, mounting the engine route, choosing the adapter.
 */
package dev.socketeer.autoconfigure;
