package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service bound to all interfaces: without a token it refuses to start; with one, the
 * REST API answers 401 unless the request carries it (health probes stay open).
 */
class ApiTokenIT {
    @TempDir
    Path root;

    Process start(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dregbert.serve.root=" + root, "-Dquarkus.http.host=0.0.0.0"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-jar", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(), "serve"));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("service.log").toFile())).start();
    }

    @Test
    void boundElsewhereTheApiNeedsAToken() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process refused = start("-Dquarkus.http.port=" + port);
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "a service bound elsewhere without a token must stop");
        assertNotEquals(0, refused.exitValue());
        assertTrue(Files.readString(root.resolve("service.log")).contains("regbert.serve.api-token"));

        Process service = start("-Dquarkus.http.port=" + port, "-Dregbert.serve.api-token=s3cret-token");
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI runs = URI.create("http://127.0.0.1:" + port + "/runs");
            HttpResponse<String> anonymous = null;
            long end = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < end && anonymous == null) {
                try {
                    anonymous = http.send(HttpRequest.newBuilder(runs).build(), HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException notYet) {
                    assertTrue(service.isAlive(), Files.readString(root.resolve("service.log")));
                    Thread.sleep(250);
                }
            }
            assertTrue(anonymous != null, "service did not answer: " + Files.readString(root.resolve("service.log")));
            assertEquals(401, anonymous.statusCode());
            assertEquals(401, http.send(HttpRequest.newBuilder(runs).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(runs)
                    .header("Authorization", "Bearer s3cret-token").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/q/health/live")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }
}
