package org.regbert.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.regbert.common.FileTrees;

/**
 * A real PostgreSQL 15 server of the test's own (Debian's postgresql-15): a cluster made by
 * {@code initdb} in a temporary folder owned by the postgres user, started by {@code pg_ctl} on
 * 127.0.0.1 and a free port, trust authentication (loopback only). Debian's server refuses to run as
 * root, so every command runs through {@code runuser -u postgres --} (the test runs as root, as CI does).
 */
final class LocalPostgres implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private final Path dir;
    final int port;

    LocalPostgres() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("regbert-postgres");
        run(List.of("chown", "postgres:postgres", dir.toString()));
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        asPostgres(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync");
        // fsync off: this test kills the services, never the database
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off", "start");
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "postgres", "");
    }

    private void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        all.addAll(List.of(command));
        run(all);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("regbert-postgres-cmd", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log)
                        + (Files.exists(dir.resolve("postgres.log")) ? Files.readString(dir.resolve("postgres.log")) : ""));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w",
                        "stop");
            }
        } finally {
            FileTrees.delete(dir);
        }
    }
}
