package org.regbert.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

class NpzRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void writesStoredAlignedMembersThatJavaZipAndTheMappingReaderAgreeOn() throws IOException {
        Path file = dir.resolve("a.npz");
        ByteBuffer shorts = ByteBuffer.allocate(2 * 3 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            shorts.putShort((short) (60000 + i));
        }
        shorts.flip();
        List<String> names = List.of("20", "chrUn_gl000220");
        NpyDType stringType = NpyArray.stringType(names);
        try (NpzWriter npz = new NpzWriter(file)) {
            npz.addArray("tokens", NpyDType.UINT16, new long[] {2, 3}, shorts);
            npz.addArray("names", stringType, new long[] {2}, NpyArray.encodeStrings(names, stringType));
            npz.addBytes("manifest.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : List.of(zip.getEntry("tokens.npy"), zip.getEntry("names.npy"))) {
                assertEquals(ZipEntry.STORED, entry.getMethod());
            }
            assertEquals("{\"a\":1}", new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        try (NpzReader reader = NpzReader.open(file)) {
            NpyArray tokens = reader.array("tokens");
            assertEquals(NpyDType.UINT16, tokens.dtype());
            assertArrayEquals(new long[] {2, 3}, tokens.shape());
            assertEquals(60005, tokens.getUnsignedShort(5));
            assertEquals("chrUn_gl000220", reader.array("names").getString(1));
            assertEquals("{\"a\":1}", reader.text("manifest.json"));
        }
    }

    @Test
    void npyHeadersPadTheDataToSixtyFourBytes() {
        for (long n : new long[] {1, 10, 123456789012L}) {
            byte[] header = NpyFormat.header(NpyDType.INT64, new long[] {n, 7});
            assertEquals(0, header.length % 64);
            NpyFormat.Header parsed = NpyFormat.parse(ByteBuffer.wrap(header));
            assertArrayEquals(new long[] {n, 7}, parsed.shape());
            assertEquals(header.length, parsed.dataOffset());
        }
        String oneD = new String(NpyFormat.header(NpyDType.INT8, new long[] {5}), StandardCharsets.ISO_8859_1);
        assertTrue(oneD.contains("'shape': (5,)"), oneD);
    }

    @Test
    void refusesCompressedAndForeignFiles() throws IOException {
        Path zip = dir.resolve("compressed.npz");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("tokens.npy"));
            out.write(NpyFormat.header(NpyDType.UINT8, new long[] {1}));
            out.write(1);
            out.closeEntry();
        }
        BadInputException compressed = assertThrows(BadInputException.class, () -> NpzReader.open(zip));
        assertTrue(compressed.getMessage().contains("np.savez_compressed"), compressed.getMessage());

        Path text = Files.writeString(dir.resolve("notes.npz"), "hello");
        BadInputException foreign = assertThrows(BadInputException.class, () -> NpzReader.open(text));
        assertTrue(foreign.getMessage().startsWith(text.toString()), foreign.getMessage());
    }

    @Test
    void streamedArraysEqualArraysWrittenWhole() throws IOException {
        byte[] data = new byte[3 * 1000];
        new java.util.Random(3).nextBytes(data);
        Path whole = dir.resolve("whole.npz");
        Path streamed = dir.resolve("streamed.npz");
        try (NpzWriter npz = new NpzWriter(whole)) {
            npz.addArray("states", NpyDType.UINT8, new long[] {3, 1000}, ByteBuffer.wrap(data));
            npz.addBytes("manifest.json", new byte[] {'{', '}'});
        }
        try (NpzWriter npz = new NpzWriter(streamed)) {
            try (NpzWriter.ArraySink sink = npz.beginArray("states", NpyDType.UINT8, new long[] {3, 1000})) {
                for (int row = 0; row < 3; row++) {
                    sink.write(ByteBuffer.wrap(data, row * 1000, 1000));
                }
            }
            npz.addBytes("manifest.json", new byte[] {'{', '}'});
        }
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(streamed));
        try (ZipFile zip = new ZipFile(streamed.toFile())) {
            // java.util.zip checks each member's CRC while reading it to the end.
            assertEquals(3 * 1000 + 128, zip.getInputStream(zip.getEntry("states.npy")).readAllBytes().length);
        }
    }
}
