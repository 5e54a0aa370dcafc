package org.regbert.score;

import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.variantcontext.VariantContextBuilder;
import htsjdk.variant.vcf.VCFHeader;
import htsjdk.variant.vcf.VCFHeaderLine;
import htsjdk.variant.vcf.VCFHeaderLineCount;
import htsjdk.variant.vcf.VCFHeaderLineType;
import htsjdk.variant.vcf.VCFInfoHeaderLine;
import java.util.ArrayList;
import java.util.List;
import org.regbert.finetune.HeadKind;
import org.regbert.finetune.TaskSpec;

/**
 * The INFO fields score adds to each VCF record, and their {@code ##INFO} header lines. Per output
 * column of the model: {@code RB_REF} (Number=1: the REF window's probability), {@code RB_ALT},
 * {@code RB_DIFF} = ALT - REF and {@code RB_LOGOR} = logit(ALT) - logit(REF) (Number=A: one per ALT,
 * "." where an ALT was not scored). A model with one output column uses these keys as they are; with
 * several, each key gets the column's name ({@code RB_DIFF_donor}). Regression heads give levels and
 * no log-odds. {@code RB_SKIP} says why a record or an ALT was not scored.
 */
final class VcfAnnotator {
    static final String SKIP = "RB_SKIP";
    private static final double EPS = 1e-7;

    private final TaskSpec spec;
    private final boolean logOdds;
    private final List<String> suffixes = new ArrayList<>();

    VcfAnnotator(TaskSpec spec) {
        this.spec = spec;
        this.logOdds = spec.head() != HeadKind.REGRESSION;
        for (String name : spec.classNames()) {
            suffixes.add(spec.outputs() == 1 ? "" : "_" + name.replaceAll("[^0-9A-Za-z_.]", "_"));
        }
    }

    /** The key of a field ({@code RB_REF}, ...) for output column {@code column}. */
    String key(String field, int column) {
        return field + suffixes.get(column);
    }

    /** {@code input}'s header with score's INFO lines and a line naming the model (no paths: output stays reproducible). */
    VCFHeader header(VCFHeader input, String modelLine) {
        VCFHeader header = new VCFHeader(input);
        String what = spec.head() == HeadKind.REGRESSION ? "predicted level" : "predicted probability";
        for (int c = 0; c < spec.outputs(); c++) {
            String of = " of '" + spec.classNames().get(c) + "' (regbert score, task " + spec.name() + ")";
            header.addMetaDataLine(new VCFInfoHeaderLine(key("RB_REF", c), 1, VCFHeaderLineType.Float,
                    "REF window " + what + of));
            header.addMetaDataLine(new VCFInfoHeaderLine(key("RB_ALT", c), VCFHeaderLineCount.A, VCFHeaderLineType.Float,
                    "ALT window " + what + of + ", per ALT"));
            header.addMetaDataLine(new VCFInfoHeaderLine(key("RB_DIFF", c), VCFHeaderLineCount.A,
                    VCFHeaderLineType.Float, "Effect: ALT minus REF " + what + of + ", per ALT"));
            if (logOdds) {
                header.addMetaDataLine(new VCFInfoHeaderLine(key("RB_LOGOR", c), VCFHeaderLineCount.A,
                        VCFHeaderLineType.Float, "Log odds ratio ln(odds ALT / odds REF)" + of + ", per ALT"));
            }
        }
        header.addMetaDataLine(new VCFInfoHeaderLine(SKIP, VCFHeaderLineCount.UNBOUNDED, VCFHeaderLineType.String,
                "Why regbert score did not score the record or an ALT: ref_mismatch, contig_not_in_reference,"
                        + " position_past_contig_end, window_past_contig_end, too_many_n, allele_longer_than_window, symbolic_allele, excluded"));
        header.addMetaDataLine(new VCFHeaderLine("regbert_score", modelLine));
        return header;
    }

    /** {@code vc} with the scores of its REF window and ALT windows ({@code alts[i]} null: not scored). */
    VariantContext annotate(VariantContext vc, float[] ref, float[][] alts, List<String> skips) {
        VariantContextBuilder b = new VariantContextBuilder(vc);
        if (ref != null) {
            for (int c = 0; c < spec.outputs(); c++) {
                List<String> alt = new ArrayList<>();
                List<String> diff = new ArrayList<>();
                List<String> logor = new ArrayList<>();
                for (float[] a : alts) {
                    alt.add(a == null ? "." : BedGraphWriter.format(a[c]));
                    diff.add(a == null ? "." : BedGraphWriter.format(a[c] - ref[c]));
                    logor.add(a == null ? "." : BedGraphWriter.format((float) (logit(a[c]) - logit(ref[c]))));
                }
                b.attribute(key("RB_REF", c), BedGraphWriter.format(ref[c]));
                b.attribute(key("RB_ALT", c), alt);
                b.attribute(key("RB_DIFF", c), diff);
                if (logOdds) {
                    b.attribute(key("RB_LOGOR", c), logor);
                }
            }
        }
        if (!skips.isEmpty()) {
            b.attribute(SKIP, skips);
        }
        return b.make();
    }

    private static double logit(float p) {
        double q = Math.min(1 - EPS, Math.max(EPS, p));
        return Math.log(q / (1 - q));
    }
}
