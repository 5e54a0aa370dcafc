package org.regbert.shards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HalfTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @Test
    void everyHalfRoundTripsThroughFloat() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short half = (short) bits;
            float value = Half.toFloat(half);
            if (isNaN(half)) {
                assertTrue(Float.isNaN(value), Integer.toHexString(bits));
                assertTrue(isNaN(Half.fromFloat(value)));
            } else {
                assertEquals(half, Half.fromFloat(value), Integer.toHexString(bits));
            }
        }
    }

    @Test
    void decodingMatchesTheDefinition() {
        assertEquals(0f, Half.toFloat((short) 0));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Half.toFloat((short) 0x8000)));
        assertEquals(1f, Half.toFloat((short) 0x3c00));
        assertEquals(-2f, Half.toFloat((short) 0xc000));
        assertEquals(65504f, Half.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Half.toFloat((short) 1));
        assertEquals(0x1p-14f, Half.toFloat((short) 0x0400));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.POSITIVE_INFINITY));
        assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat(Half.NEGATIVE_INFINITY));
        for (int bits = 0; bits < 0x7c00; bits++) {
            int exponent = bits >>> 10;
            int mantissa = bits & 0x3ff;
            double expected = exponent == 0 ? mantissa * 0x1p-24 : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            assertEquals(expected, Half.toFloat((short) bits), 0, Integer.toHexString(bits));
            assertEquals(-expected, Half.toFloat((short) (bits | 0x8000)), 0);
        }
    }

    /** Ties, near-ties, overflow and underflow edges against a reference that searches the halves. */
    @Test
    void encodingRoundsToNearestEven() {
        for (float value : hardCases()) {
            short expected = reference(value);
            short actual = Half.fromFloat(value);
            if (isNaN(expected)) {
                assertTrue(isNaN(actual), Float.toString(value));
            } else {
                assertEquals(expected, actual, describe(value));
            }
        }
        assertEquals((short) 0x3c00, Half.fromFloat(1.0f + 0x1p-11f), "tie to even, down");
        assertEquals((short) 0x3c02, Half.fromFloat(1.0f + 3 * 0x1p-11f), "tie to even, up");
        assertEquals((short) 0x7bff, Half.fromFloat(65519.99f));
        assertEquals(Half.POSITIVE_INFINITY, Half.fromFloat(65520f));
        assertEquals((short) 0, Half.fromFloat(0x1p-25f), "tie to even zero");
        assertEquals((short) 1, Half.fromFloat(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x8000, Half.fromFloat(-1e-30f), "signed zero");
        assertTrue(isNaN(Half.fromFloat(Float.NaN)));
    }

    /** Compares with NumPy's float16 on every half, the hard cases and 300,000 random floats. */
    @Test
    void matchesNumpy() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON) && run(PYTHON.toString(), "-c", "import numpy") == 0,
                "needs /usr/bin/python3 with numpy (apt-get install -y python3-numpy)");
        float[] hard = hardCases();
        Random random = new Random(42);
        float[] values = Arrays.copyOf(hard, hard.length + 300_000);
        for (int i = hard.length; i < values.length; i++) {
            // Half of them in the half range, where the rounding matters.
            values[i] = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt())
                    : (float) ((random.nextDouble() * 2 - 1) * Math.pow(2, random.nextInt(44) - 28));
        }
        Path floats = tmp.resolve("floats.bin");
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putInt(Float.floatToRawIntBits(value));
        }
        Files.write(floats, buffer.array());
        Path halves = tmp.resolve("halves.bin");
        Path decoded = tmp.resolve("decoded.bin");
        String script = "import numpy as np, sys\n"
                + "f = np.fromfile(sys.argv[1], dtype='<f4')\n"
                + "f.astype('<f2').tofile(sys.argv[2])\n"
                + "np.arange(65536, dtype='<u2').view('<f2').astype('<f4').tofile(sys.argv[3])\n";
        assertEquals(0, run(PYTHON.toString(), "-W", "ignore", "-c", script, floats.toString(), halves.toString(),
                decoded.toString()));
        ByteBuffer numpyHalves = ByteBuffer.wrap(Files.readAllBytes(halves)).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            short expected = numpyHalves.getShort();
            short actual = Half.fromFloat(value);
            if (isNaN(expected)) {
                assertTrue(isNaN(actual), Float.toString(value));
            } else {
                assertEquals(expected, actual, describe(value));
            }
        }
        ByteBuffer numpyFloats = ByteBuffer.wrap(Files.readAllBytes(decoded)).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits = 0; bits < 1 << 16; bits++) {
            float expected = Float.intBitsToFloat(numpyFloats.getInt());
            float actual = Half.toFloat((short) bits);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(actual));
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        Integer.toHexString(bits));
            }
        }
    }

    /** Every half's value, the midpoints between neighbours and one float ulp either side. */
    private static float[] hardCases() {
        float[] cases = new float[0x7c00 * 2 * 4 + 16];
        int n = 0;
        for (int bits = 0; bits < 0x7c00; bits++) {
            float value = Half.toFloat((short) bits);
            float next = bits + 1 < 0x7c00 ? Half.toFloat((short) (bits + 1)) : 65536f; // 65536: "next" above max
            float mid = (float) (((double) value + next) / 2);
            for (float v : new float[] {value, mid, Math.nextDown(mid), Math.nextUp(mid)}) {
                cases[n++] = v;
                cases[n++] = -v;
            }
        }
        float[] extra = {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0x1p-25f, 0x1p-26f, 0x1.8p-25f, 65520f,
            65519.996f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc00000), -0f};
        System.arraycopy(extra, 0, cases, n, extra.length);
        return cases;
    }

    /** The nearest half by searching every finite positive half; ties to the even one. */
    private static short reference(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7e00;
        }
        int sign = Float.floatToRawIntBits(value) < 0 ? 0x8000 : 0;
        double magnitude = Math.abs((double) value);
        if (magnitude >= 65520) { // halfway between 65504 and the next step (65536): to infinity
            return (short) (sign | 0x7c00);
        }
        int low = 0;
        int high = 0x7bff;
        while (low < high) { // the largest half <= magnitude
            int mid = (low + high + 1) >>> 1;
            if (Half.toFloat((short) mid) <= magnitude) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        double below = Half.toFloat((short) low);
        double above = low < 0x7bff ? Half.toFloat((short) (low + 1)) : 65536;
        int nearest;
        if (magnitude - below < above - magnitude) {
            nearest = low;
        } else if (magnitude - below > above - magnitude) {
            nearest = low + 1;
        } else {
            nearest = (low & 1) == 0 ? low : low + 1;
        }
        return (short) (sign | nearest);
    }

    private static String describe(float value) {
        return value + " (" + Integer.toHexString(Float.floatToRawIntBits(value)) + ")";
    }

    private static boolean isNaN(short half) {
        return (half & 0x7c00) == 0x7c00 && (half & 0x3ff) != 0;
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        if (process.exitValue() != 0) {
            System.err.println(output);
        }
        return process.exitValue();
    }
}
