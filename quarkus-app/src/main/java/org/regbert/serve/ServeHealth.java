package org.regbert.serve;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Camel routes run and the inbox and state folders are writable. */
@Readiness
@ApplicationScoped
public class ServeHealth implements HealthCheck {
    @Inject
    CamelContext camel;
    @Inject
    ServeSettings settings;

    @Override
    public HealthCheckResponse call() {
        boolean started = camel.getStatus().isStarted();
        boolean writable = Files.isWritable(settings.inbox()) && Files.isWritable(settings.state());
        var b = HealthCheckResponse.named("regbert-pipeline").status(started && writable)
                .withData("camel", camel.getStatus().name()).withData("inbox", settings.inbox().toString())
                .withData("inboxWritable", writable);
        for (Route r : camel.getRoutes()) {
            b.withData("route." + r.getRouteId(), camel.getRouteController().getRouteStatus(r.getRouteId()).name());
        }
        return b.build();
    }
}
