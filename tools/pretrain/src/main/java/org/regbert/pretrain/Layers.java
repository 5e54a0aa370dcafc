package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * The building blocks of both models, written PyTorch/BERT-style rather than with DJL's stock
 * transformer blocks (see shared/notes/djl.md): LayerNorm over the hidden axis, post-norm residuals
 * as in BERT, fused QKV projection, and BERT's N(0, 0.02) initialisation of every weight matrix.
 */
public final class Layers {
    /** BERT's initialiser: DJL's default Xavier stalls or diverges on these models. */
    static final Initializer BERT_INIT = new NormalInitializer(0.02f);
    static final float LAYER_NORM_EPS = 1e-12f;

    private Layers() {
    }

    /**
     * A block whose parameters all have fixed shapes from the config, so initialisation needs no
     * shape inference; children are initialised after the block's own parameters, in order.
     */
    public abstract static class Module extends AbstractBlock {
        protected Module() {
            super((byte) 1);
        }

        Parameter weight(String name, long... shape) {
            return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(shape)).optInitializer(BERT_INIT).build());
        }

        Parameter bias(String name, long... shape) {
            return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.BIAS)
                    .optShape(new Shape(shape)).optInitializer(Initializer.ZEROS).build());
        }

        Parameter gamma(String name, long... shape) {
            return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.GAMMA)
                    .optShape(new Shape(shape)).optInitializer(Initializer.ONES).build());
        }

        protected <B extends Block> B child(String name, B block) {
            return addChildBlock(name, block);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            for (Block block : children.values()) {
                block.initialize(manager, dataType, inputShapes);
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " is called through its typed methods");
        }
    }

    /** y = x W^T + b over the last axis. */
    public static final class Dense extends Module {
        private final Parameter weight;
        private final Parameter bias;

        public Dense(long in, long out) {
            weight = weight("weight", out, in);
            bias = bias("bias", out);
        }

        public NDArray apply(NDArray x) {
            Shape shape = x.getShape();
            if (shape.dimension() <= 2) {
                return Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow();
            }
            // libtorch's C++ linear is matmul + bias add for inputs of 3+ axes; as rows of a matrix it
            // is one addmm (what PyTorch-Python's nn.Linear runs), and the bias gradient comes with it.
            long in = shape.get(shape.dimension() - 1);
            NDArray rows = Linear.linear(x.reshape(-1, in), weight.getArray(), bias.getArray()).singletonOrThrow();
            long[] out = shape.getShape();
            out[out.length - 1] = weight.getShape().get(0);
            return rows.reshape(out);
        }
    }

    /** LayerNorm over the last (hidden) axis. */
    static final class Norm extends Module {
        private final Parameter gamma;
        private final Parameter beta;
        private final long size;

        Norm(long size) {
            this.size = size;
            gamma = gamma("gamma", size);
            beta = bias("beta", size);
        }

        NDArray apply(NDArray x) {
            return LayerNorm.layerNorm(x, new Shape(size), gamma.getArray(), beta.getArray(), LAYER_NORM_EPS)
                    .singletonOrThrow();
        }
    }

    /** A lookup table; the weight can be shared (tied) with an output layer. */
    static final class Embed extends Module {
        final Parameter weight;

        Embed(long count, long size) {
            weight = weight("weight", count, size);
        }

        Embed(long count, long size, Initializer initializer) {
            weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(count, size)).optInitializer(initializer).build());
        }

        NDArray apply(NDArray ids) {
            return lookup(ids, weight.getArray());
        }
    }

    /** Rows of {@code table} by index (torch.embedding: differentiable with respect to the table). */
    static NDArray lookup(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * k-mer embeddings started as sums of per-position base vectors (N(0, 0.02^2 / k) each), the
     * special tokens N(0, 0.02^2): overlapping k-mers that share bases start with related vectors,
     * and the tied output layer starts able to score k-mers base by base. Still a free table.
     */
    static Initializer composedKmers(int k, int firstKmer) {
        if (firstKmer + (1L << (2 * k)) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("k too large");
        }
        return (manager, shape, dataType) -> {
            int count = (int) shape.get(0);
            int size = (int) shape.get(1);
            float[] bases;
            float[] specials;
            try (ai.djl.ndarray.NDManager scratch = manager.newSubManager()) {
                bases = scratch.randomNormal(0f, (float) (0.02 / Math.sqrt(k)), new Shape(k, 4, size),
                        ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
                specials = scratch.randomNormal(0f, 0.02f, new Shape(firstKmer, size),
                        ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
            }
            float[] table = new float[count * size];
            System.arraycopy(specials, 0, table, 0, Math.min(specials.length, table.length));
            for (int id = firstKmer; id < count; id++) {
                int code = id - firstKmer;
                for (int p = 0; p < k; p++) {
                    int base = (code >> (2 * (k - 1 - p))) & 3;
                    for (int e = 0; e < size; e++) {
                        table[id * size + e] += bases[(p * 4 + base) * size + e];
                    }
                }
            }
            return manager.create(table, shape);
        };
    }

    public static NDArray dropout(NDArray x, double rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, (float) rate, true).singletonOrThrow() : x;
    }

    /**
     * One post-norm Transformer encoder layer as in BERT / PyTorch's TransformerEncoderLayer:
     * x = LN(x + Drop(SelfAttention(x))); x = LN(x + Drop(FFN(x))), GELU in the FFN.
     */
    static final class EncoderLayer extends Module {
        private final int hidden;
        private final int heads;
        private final double dropout;
        private final Dense qkv;
        private final Dense out;
        private final Norm attentionNorm;
        private final Dense up;
        private final Dense down;
        private final Norm outputNorm;

        EncoderLayer(int hidden, int heads, int intermediate, double dropout) {
            this.hidden = hidden;
            this.heads = heads;
            this.dropout = dropout;
            qkv = child("qkv", new Dense(hidden, 3L * hidden));
            out = child("attention_out", new Dense(hidden, hidden));
            attentionNorm = child("attention_norm", new Norm(hidden));
            up = child("ffn_up", new Dense(hidden, intermediate));
            down = child("ffn_down", new Dense(intermediate, hidden));
            outputNorm = child("output_norm", new Norm(hidden));
        }

        /**
         * @param x [B, S, H]
         * @param mask additive attention mask broadcastable to [B, heads, S, S] (0 keep, -1e9 drop), or null
         * @param bias additive attention bias [heads, S, S] (ALiBi), or null
         */
        NDArray apply(NDArray x, NDArray mask, NDArray bias, boolean training) {
            return apply(x, mask, bias, training, false);
        }

        /**
         * @param firstRowOnly compute the output of position 0 ([CLS]) only, [B, 1, H]: keys and
         *     values still come from every position, so that row equals the full layer's row 0
         *     (what a [CLS]-pooled head reads from the last layer, at a fraction of the cost)
         */
        NDArray apply(NDArray x, NDArray mask, NDArray bias, boolean training, boolean firstRowOnly) {
            long b = x.getShape().get(0);
            long s = x.getShape().get(1);
            long rows = firstRowOnly ? 1 : s;
            int d = hidden / heads;
            // q, k and v by one split (its gradient is one concatenation) rather than three index
            // selections (each of whose gradients is a zero-filled copy of the whole projection).
            // [B, S, 3, h, d] -> [3, B, h, S, d] in one permutation, then split along the first axis.
            NDList projected = qkv.apply(x).reshape(b, s, 3, heads, d).transpose(2, 0, 3, 1, 4).split(3, 0);
            // The 1/sqrt(d) scale goes on q ([B, h, S, d]) rather than on the S x S scores: one pass
            // over an eighth of the data instead of over the largest tensor of the layer.
            NDArray q = headsFirst(projected.get(0));
            if (firstRowOnly) {
                q = q.get(":, :, 0:1, :");
            }
            q = GraphScalars.mul(q, 1.0 / Math.sqrt(d));
            NDArray k = headsFirst(projected.get(1));
            NDArray v = headsFirst(projected.get(2));
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
            if (bias != null) {
                scores = scores.addi(firstRowOnly ? bias.get(":, 0:1, :") : bias);
            }
            if (mask != null) {
                scores = scores.addi(mask);
            }
            NDArray attention = dropout(scores.softmax(-1), dropout, training);
            NDArray context = attention.matMul(v).transpose(0, 2, 1, 3).reshape(b, rows, hidden);
            NDArray residual = firstRowOnly ? x.get(":, 0:1, :") : x;
            NDArray h = attentionNorm.apply(residual.add(dropout(out.apply(context), dropout, training)));
            NDArray ffn = down.apply(Activation.gelu(up.apply(h)));
            return outputNorm.apply(h.add(dropout(ffn, dropout, training)));
        }

        /** [1, B, heads, S, d] (one part of the split projection) as [B, heads, S, d]. */
        private static NDArray headsFirst(NDArray part) {
            return part.squeeze(0);
        }
    }

    /** A stack of encoder layers. */
    static final class Encoder extends Module {
        private final EncoderLayer[] layers;

        Encoder(int count, int hidden, int heads, int intermediate, double dropout) {
            layers = new EncoderLayer[count];
            for (int i = 0; i < count; i++) {
                layers[i] = child("layer" + i, new EncoderLayer(hidden, heads, intermediate, dropout));
            }
        }

        NDArray apply(NDArray x, NDArray mask, NDArray bias, boolean training) {
            return apply(x, mask, bias, training, false);
        }

        /** With {@code clsOnly} the last layer computes position 0 only: [B, 1, H]. */
        NDArray apply(NDArray x, NDArray mask, NDArray bias, boolean training, boolean clsOnly) {
            NDArray h = x;
            for (int i = 0; i < layers.length; i++) {
                h = layers[i].apply(h, mask, bias, training, clsOnly && i == layers.length - 1);
            }
            return h;
        }
    }

    /**
     * ALiBi's attention bias for {@code heads} heads over {@code length} positions: head h adds
     * -slope_h * |i - j| with slopes 2^(-8 (h + 1) / heads), symmetric for an encoder.
     */
    static NDArray alibi(ai.djl.ndarray.NDManager manager, int heads, int length) {
        float[] bias = new float[heads * length * length];
        for (int h = 0; h < heads; h++) {
            double slope = Math.pow(2, -8.0 * (h + 1) / heads);
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) {
                    bias[(h * length + i) * length + j] = (float) (-slope * Math.abs(i - j));
                }
            }
        }
        return manager.create(bias, new Shape(heads, length, length));
    }
}
