package org.regbert.serve;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The REST API binds to localhost by default and needs a token when bound elsewhere: with
 * {@code quarkus.http.host} other than a loopback address the service refuses to start unless
 * {@code regbert.serve.api-token} is set; when it is set (on any address), every request but the
 * health probes ({@code /q/health...}) needs {@code Authorization: Bearer <token>} (401 otherwise).
 */
@ApplicationScoped
public class ApiToken {
    private static final Logger LOG = Logger.getLogger(ApiToken.class);

    @Inject
    ServeSettings settings;
    @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1")
    String host;

    void routes(@Observes Router router) {
        Optional<String> token = settings.apiToken().map(String::strip).filter(t -> !t.isEmpty());
        if (token.isEmpty()) {
            if (!loopback(host)) {
                throw new IllegalStateException("quarkus.http.host=" + host + " is not a loopback address: set"
                        + " regbert.serve.api-token (clients then send 'Authorization: Bearer <token>'), or bind to"
                        + " 127.0.0.1");
            }
            return;
        }
        byte[] expected = ("Bearer " + token.get()).getBytes(StandardCharsets.UTF_8);
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String path = ctx.normalizedPath();
            if (path.equals("/q/health") || path.startsWith("/q/health/")) {
                ctx.next();
                return;
            }
            String auth = ctx.request().getHeader("Authorization");
            if (auth != null && MessageDigest.isEqual(expected, auth.strip().getBytes(StandardCharsets.UTF_8))) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"regbert\"")
                        .putHeader("Content-Type", "text/plain").end("a token is needed: Authorization: Bearer <token>\n");
            }
        });
        LOG.infof("REST on %s: a token is needed (regbert.serve.api-token)", host);
    }

    static boolean loopback(String host) {
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || h.startsWith("127.");
    }
}
