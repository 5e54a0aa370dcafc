package org.regbert.serve;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A fresh service root in a temporary folder and a real S3-compatible server (S3Proxy, filesystem
 * back-end, 127.0.0.1 only) started as its own process; both removed at the end.
 */
public class ServeTestResource implements QuarkusTestResourceLifecycleManager {
    static final String BUCKET = "regbert-inbox";
    static final String IDENTITY = "regbert-test";
    static final String CREDENTIAL = "regbert-test-secret";
    static Path root;
    static String endpoint;
    private Path scratch;
    private Process s3proxy;

    @Override
    public Map<String, String> start() {
        try {
            scratch = Files.createTempDirectory("regbert-serve-test");
            root = scratch.resolve("root");
            Path blobs = Files.createDirectories(scratch.resolve("s3-blobs"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            endpoint = "http://127.0.0.1:" + port;
            Path props = scratch.resolve("s3proxy.properties");
            Files.writeString(props, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + IDENTITY,
                    "s3proxy.credential=" + CREDENTIAL,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + blobs, ""));
            Path jar = Path.of("target/s3proxy/s3proxy.jar").toAbsolutePath();
            s3proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", jar.toString(), "--properties", props.toString())
                    .redirectErrorStream(true).redirectOutput(scratch.resolve("s3proxy.log").toFile()).start();
            waitForPort(port, 30_000);
            try (S3Client s3 = client()) {
                s3.createBucket(b -> b.bucket(BUCKET));
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("regbert.serve.root", root.toString());
        config.put("regbert.serve.read-lock-interval-ms", "1000");
        config.put("regbert.serve.poll-ms", "250");
        config.put("regbert.serve.retry-delay-ms", "200");
        config.put("regbert.serve.read-lock-timeout-ms", "4000");
        config.put("regbert.serve.tokenize-args", "--kmer=6,--window=510,--threads=1");
        // the model stages for real, but short: a few optimiser steps each
        config.put("regbert.serve.pretrain-steps", "4");
        config.put("regbert.serve.finetune-max-steps", "4");
        config.put("regbert.serve.evaluate-bootstrap", "20");
        config.put("camel.main.routes-include-pattern",
                "classpath:routes/pipeline.camel.yaml,classpath:routes/s3.camel.yaml");
        config.put("regbert.s3.bucket", BUCKET);
        config.put("regbert.s3.endpoint", endpoint);
        config.put("regbert.s3.access-key", IDENTITY);
        config.put("regbert.s3.secret-key", CREDENTIAL);
        return config;
    }

    static S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.US_EAST_1)
                // S3Proxy checks plain SigV4 payload hashes: no aws-chunked flexible checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .build();
    }

    private void waitForPort(int port, long millis) throws IOException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (!s3proxy.isAlive()) {
                throw new IOException("S3Proxy exited: " + Files.readString(scratch.resolve("s3proxy.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        throw new IOException("S3Proxy not listening on " + port + " after " + millis + " ms");
    }

    @Override
    public void stop() {
        if (s3proxy != null) {
            s3proxy.destroy();
            try {
                if (!s3proxy.waitFor(10, TimeUnit.SECONDS)) {
                    s3proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (scratch != null) {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temporary folder
            }
        }
    }
}
