package org.regbert.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant inside a graph that will be differentiated. DJL 0.35's
 * {@code NDArray.mul(Number)}, {@code div(Number)} and {@code maximum(Number)} wrap the number in a
 * tensor over a Java direct buffer ({@code from_blob}) and close that array as soon as the op returns;
 * libtorch's backward node keeps the tensor (the gradient of x * c needs c) but not the buffer, so a
 * garbage collection between forward and backward frees the memory the gradient still reads. That
 * gave the rare NaN (and, more often, silently wrong) gradients found in layer 0's attention (its
 * query scaling) and the occasional SIGSEGV in backward: a collection forced before backward turned
 * them into a wrong gradient in nearly every step (GcBetweenForwardAndBackwardTest). Here the
 * constant is a libtorch-owned scalar ({@code torch::full}), which the graph keeps alive itself.
 * ({@code add}/{@code sub} with a number are safe: their backward does not read the other operand.)
 */
public final class GraphScalars {
    private GraphScalars() {
    }

    /** x * value. */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.mul(c);
        }
    }

    /** x / value. */
    public static NDArray div(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.div(c);
        }
    }

    /** max(x, value), element-wise. */
    public static NDArray maximum(NDArray x, double value) {
        try (NDArray c = constant(x, value)) {
            return x.maximum(c);
        }
    }

    /** A 0-d tensor of x's type on x's manager, in memory libtorch owns (closing it only drops a reference). */
    private static NDArray constant(NDArray x, double value) {
        return x.getManager().full(new Shape(), (float) value, x.getDataType());
    }
}
