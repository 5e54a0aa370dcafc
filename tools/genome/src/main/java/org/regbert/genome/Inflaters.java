package org.regbert.genome;

import com.intel.gkl.compression.IntelInflater;
import com.intel.gkl.compression.IntelInflaterFactory;
import htsjdk.samtools.util.BlockGunzipper;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.Inflater;

/**
 * Raw-deflate inflaters for bgzip blocks: Intel GKL's ISA-L inflater where its native library
 * loads (linux/macOS x86-64; the .so ships inside the GKL jar and is extracted to java.io.tmpdir,
 * as GATK does), else the JDK's zlib {@link Inflater}. Same bytes either way; ISA-L inflates
 * hg19 chr20 in 0.05 s of CPU against zlib's 0.14 s, the largest single cost of tokenizing.
 *
 * <p>{@code -Dregbert.inflater=zlib} forces the JDK inflater (to compare, or where GKL misbehaves).
 */
public final class Inflaters {
    // Held so the level set below survives (JUL keeps loggers weakly).
    private static final Logger GKL_LOG = Logger.getLogger("com.intel.gkl");
    private static final boolean INTEL = loadIntel();

    private Inflaters() {
    }

    private static boolean loadIntel() {
        if ("zlib".equalsIgnoreCase(System.getProperty("regbert.inflater", ""))) {
            return false;
        }
        // GKL logs "Loading libgkl_compression.so" at INFO on every start and a warning where it cannot
        // (a noexec java.io.tmpdir): tools print neither; tokenize's summary names the inflater used.
        GKL_LOG.setLevel(Level.SEVERE);
        try {
            return new IntelInflater().load(null);
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Whether bgzip blocks are inflated by ISA-L (false: the JDK's zlib). */
    public static boolean accelerated() {
        return INTEL;
    }

    /** A fresh raw-deflate ({@code nowrap}) inflater; a corrupt stream throws DataFormatException or RuntimeException. */
    public static Inflater newRaw() {
        return INTEL ? new IntelInflater(true) : new Inflater(true);
    }

    /** Makes htsjdk's bgzip readers (indexed FASTA fetches, tabix, VCF) use the faster inflater too. */
    public static void installForHtsjdk() {
        if (INTEL) {
            BlockGunzipper.setDefaultInflaterFactory(new IntelInflaterFactory());
        }
    }
}
