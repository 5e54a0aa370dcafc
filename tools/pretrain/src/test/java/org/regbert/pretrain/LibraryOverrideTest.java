package org.regbert.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU route (README: GPU) with the CPU libraries: with PYTORCH_LIBRARY_PATH set, DJL loads
 * libtorch from that folder, offline, and takes only its JNI bridge from the jars regbert ships.
 */
class LibraryOverrideTest {
    @Test
    void libtorchIsLoadedFromPytorchLibraryPath(@TempDir Path dir) throws Exception {
        Engine engine = Engine.getEngine("PyTorch");   // unpacks the bundled libtorch into this JVM's cache
        Path bundled = folderOf(Utils.getEngineCacheDir("pytorch"), "libtorch_cpu.so");
        // A libtorch folder of the user's: links to the bundled libraries, without DJL's bridge.
        Path libs = Files.createDirectories(dir.resolve("libtorch/lib"));
        try (Stream<Path> files = Files.list(bundled)) {
            for (Path library : files.filter(f -> !f.getFileName().toString().contains("djl_torch")).toList()) {
                Files.createSymbolicLink(libs.resolve(library.getFileName()), library);
            }
        }
        Path cache = dir.resolve("cache");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                PretrainBenchmark.class.getName(), "--presets", "tiny", "--steps", "1", "--warmup", "0",
                "--warmup-seconds", "0", "--repeats", "1", "--threads", "1");
        builder.environment().put("PYTORCH_LIBRARY_PATH", libs.toString());
        builder.environment().put("PYTORCH_VERSION", engine.getVersion());
        builder.environment().put("PYTORCH_FLAVOR", "cpu");
        builder.environment().put("DJL_CACHE_DIR", cache.toString());
        builder.environment().put("ENGINE_CACHE_DIR", cache.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("pretrain tiny"), output);
        List<String> cached;
        try (Stream<Path> files = Files.walk(cache)) {
            cached = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        }
        assertTrue(cached.stream().anyMatch(name -> name.endsWith("libdjl_torch.so")), "the JNI bridge: " + cached);
        assertFalse(cached.contains("libtorch_cpu.so"), "libtorch was unpacked from the jar instead: " + cached);
    }

    private static Path folderOf(Path root, String library) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().equals(library)).findFirst().orElseThrow().getParent();
        }
    }
}
