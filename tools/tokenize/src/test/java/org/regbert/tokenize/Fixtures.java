package org.regbert.tokenize;

import htsjdk.samtools.util.BlockCompressedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.regbert.common.StageCli;
import org.regbert.common.KitData;

/** Files the tests make themselves, and a way to run the command in-process with its exit code. */
final class Fixtures {
    private Fixtures() {
    }

    static Path kitData() {
        return KitData.root();
    }

    static Path chr20() {
        return kitData().resolve("genome/hg19.chr20.fa.gz");
    }

    /** Random sequences (seeded) with the given lengths, named contig1, contig2, ... */
    static Map<String, String> randomGenome(long seed, int... lengths) {
        Random random = new Random(seed);
        Map<String, String> contigs = new LinkedHashMap<>();
        for (int i = 0; i < lengths.length; i++) {
            StringBuilder bases = new StringBuilder(lengths[i]);
            for (int j = 0; j < lengths[i]; j++) {
                bases.append("ACGT".charAt(random.nextInt(4)));
            }
            contigs.put("contig" + (i + 1), bases.toString());
        }
        return contigs;
    }

    static String fastaText(Map<String, String> contigs) {
        StringBuilder text = new StringBuilder();
        contigs.forEach((name, bases) -> {
            text.append('>').append(name).append(" test sequence\n");
            for (int i = 0; i < bases.length(); i += 60) {
                text.append(bases, i, Math.min(bases.length(), i + 60)).append('\n');
            }
        });
        return text.toString();
    }

    static Path writeFasta(Path file, Map<String, String> contigs) throws IOException {
        Files.writeString(file, fastaText(contigs));
        return file;
    }

    static Path writeBgzipFasta(Path file, Map<String, String> contigs) throws IOException {
        try (OutputStream out = new BlockCompressedOutputStream(file.toFile())) {
            out.write(fastaText(contigs).getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    static String reverseComplement(String bases) {
        StringBuilder rc = new StringBuilder(bases.length());
        for (int i = bases.length() - 1; i >= 0; i--) {
            char c = Character.toUpperCase(bases.charAt(i));
            rc.append(switch (c) {
                case 'A' -> 'T';
                case 'C' -> 'G';
                case 'G' -> 'C';
                case 'T' -> 'A';
                default -> 'N';
            });
        }
        return rc.toString();
    }

    /** The outcome of one in-process run of {@code regbert tokenize}. */
    record Run(int exitCode, String stderr) {
    }

    static Run tokenize(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            var commandLine = StageCli.configure(new picocli.CommandLine(new TokenizeCommand()));
            commandLine.setErr(new java.io.PrintWriter(System.err, true));
            int code = commandLine.execute(args);
            return new Run(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(previous);
        }
    }

    static List<String> args(Object... parts) {
        List<String> args = new ArrayList<>();
        for (Object part : parts) {
            args.add(part.toString());
        }
        return args;
    }
}
