package dev.socketeer.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an application's actuator health over HTTP, as a Kubernetes probe or a monitoring system
 * would. The application exposes it with {@link #PROPERTIES}.
 *
 * @param httpStatus 200 when UP, 503 when DOWN or OUT_OF_SERVICE
 * @param body the JSON answer ({@code status}, {@code details} or {@code components})
 */
public record HealthProbe(int httpStatus, JsonNode body) {

    /** Health over HTTP with details, and a readiness group that includes the {@code socketio} indicator. */
    public static final List<String> PROPERTIES = List.of("management.endpoints.web.exposure.include=health",
            "management.endpoint.health.show-details=always", "management.endpoint.health.show-components=always",
            "management.endpoint.health.probes.enabled=true",
            "management.endpoint.health.group.readiness.include=readinessState,socketio");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code GET <baseUrl><path>}, e.g. {@code /actuator/health/socketio} or {@code /actuator/health/readiness}. */
    public static HealthProbe get(String baseUrl, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new HealthProbe(response.statusCode(), JsonMapper.builder().build().readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code status} field: UP, DOWN, OUT_OF_SERVICE. */
    public String status() {
        return body.path("status").asString();
    }

    /** The {@code cluster} details of the socketio indicator. */
    public JsonNode cluster() {
        return body.path("details").path("cluster");
    }
}
