#!/usr/bin/env python3
"""What a masked base costs without a transformer: the held-out cross-entropy (nats) of one base
given the L bases on either side, from a table of counts.

EBERT's default masking (DNABERT's: spans of k overlapping k-mers) hides one base per span; every
other base of the span's k-mers is shown by the visible neighbours. Once a model has learnt to copy
those, its masked-token loss is the cost of that one hidden base given its context. This script
prices that cost with count tables (0.5 added to every cell), fitted on one part of a contig and
scored on another: L = 0 is the base composition, L = 5 a model of the 10 flanking bases. A
pre-trained model whose mask-only MLM sits near the L = 0 figure has learnt the copy and little
sequence context.

Spans at a window's edge have a visible neighbour on one side only and hide k bases, each a term of
the loss of every masked k-mer that covers it (the factorised output's sum). --masked-token-cost
prices exactly the mix the pre-training's held-out "mlmMaskOnly" averages: windows tiled as
`tokenize --window W --stride W` over the held-out region, spans placed as regbert pretrain places
them (DNABERT's: k tokens, one token apart, the rate's expected count per window), each masked
token's cost the sum over its hidden bases of -log P(base | what the visible tokens show), from
count tables: both flanks' 5 bases for an interior span's hidden base, the 5 visible bases on one
side (d bases away) for an edge span's, and ln 4 for every hidden base as the reference with no
context at all.

Usage: bench/hidden_base_baseline.py FASTA.gz [--train 0-45000000] [--held-out 45000000-50000000]
       [--max-flank 5] [--masked-token-cost --window 126 --k 6 --mask-rate 0.15 --windows 20000]
Prints one line per figure and a JSON line with all of them.
"""
import argparse
import gzip
import json

import numpy as np


def read_contig(path):
    """The first record's bases as codes 0..3 (A, C, G, T; case ignored), 4 for anything else."""
    parts = []
    with gzip.open(path, "rt") as handle:
        seen = False
        for line in handle:
            if line.startswith(">"):
                if seen:
                    break
                seen = True
                continue
            parts.append(line.strip())
    letters = np.frombuffer("".join(parts).upper().encode(), dtype=np.uint8)
    code = np.full(256, 4, np.uint8)
    for i, c in enumerate(b"ACGT"):
        code[c] = i
    return code[letters]


def interval(text):
    start, end = (int(x) for x in text.split("-"))
    return start, end


def contexts(bases, positions, offsets):
    """Each position's context id (the bases at its offsets, 2 bits each) and whether any base is N."""
    context = np.zeros(len(positions), np.int64)
    has_n = bases[positions] == 4
    for offset in offsets:
        neighbour = bases[positions + offset]
        has_n |= neighbour == 4
        context = context * 4 + np.minimum(neighbour, 3)
    return context, has_n


def log_table(bases, train, margin, offsets):
    """log P(base | context at offsets) from counts over the training interval (0.5 added to each cell),
    with the context ids and N flags of every position from `margin` to the end less `margin`."""
    positions = np.arange(margin, len(bases) - margin, dtype=np.int64)
    context, has_n = contexts(bases, positions, offsets)
    target = bases[positions].astype(np.int64)
    fit = ~has_n & (positions >= train[0]) & (positions < train[1])
    counts = np.bincount(context[fit] * 4 + target[fit], minlength=4 ** len(offsets) * 4).reshape(-1, 4) + 0.5
    return np.log(counts / counts.sum(axis=1, keepdims=True)), positions, context, has_n, target


def flanks(flank):
    return [d for d in range(-flank, flank + 1) if d != 0]


def cross_entropy(bases, flank, train, held_out):
    """Nats per held-out base given `flank` bases each side (both sides inside the contig, no N)."""
    table, positions, context, has_n, target = log_table(bases, train, flank, flanks(flank))
    score = ~has_n & (positions >= held_out[0]) & (positions < held_out[1])
    return float(-table[context[score], target[score]].mean()), int(score.sum())


def one_sided_tables(bases, train, k):
    """For d = 1..k, log P(base | the 5 bases starting d bases to its right), and the same to its left."""
    tables = {}
    for d in range(1, k + 1):
        tables["right", d] = log_table(bases, train, d + 5, range(d, d + 5))[0]
        tables["left", d] = log_table(bases, train, d + 5, range(-d - 4, -d + 1))[0]
    return tables


def two_sided_table(bases, train, flank=5):
    return log_table(bases, train, flank, flanks(flank))[0]


def context_id(window, offsets):
    value = 0
    for offset in offsets:
        value = value * 4 + int(window[offset])
    return value


def place_spans(tokens, k, rate, rng):
    """Span starts as regbert pretrain's SpanMasker places them (k tokens, a free token between spans)."""
    expected = rate * tokens / k
    wanted = max(1, int(expected) + (1 if rng.random() < expected - int(expected) else 0))
    chosen = [False] * tokens
    starts = []
    for _ in range(wanted):
        free = [p for p in range(tokens - k + 1) if not any(chosen[p:p + k])
                and not (p > 0 and chosen[p - 1]) and not (p + k < tokens and chosen[p + k])]
        if not free:
            break
        start = free[int(rng.random() * len(free))]
        starts.append(start)
        for q in range(start, start + k):
            chosen[q] = True
    return starts


def masked_token_cost(bases, train, held_out, window, k, rate, windows, seed=1):
    """Mean cost (nats) of a masked token under count tables and with no context (ln 4 a hidden base)."""
    both = two_sided_table(bases, train)
    one = one_sided_tables(bases, train, k)
    rng = np.random.default_rng(seed)
    tokens = window - k + 1
    starts = np.arange(held_out[0], held_out[1] - window + 1, window)
    starts = [s for s in starts if not (bases[s:s + window] == 4).any()]
    picked = rng.choice(len(starts), size=min(windows, len(starts)), replace=False)
    total = uniform = 0.0
    count = edge_tokens = 0
    for index in picked:
        w = bases[starts[index]:starts[index] + window]
        for a in place_spans(tokens, k, rate, rng):
            # token t covers bases t..t+k-1; the span a..a+k-1 hides the bases no visible token shows
            if a == 0:
                hidden = {b: one["right", k - b][context_id(w, range(k, k + 5)), w[b]] for b in range(0, k)}
            elif a + k == tokens:
                last = a + 2 * k - 2
                hidden = {b: one["left", b - (a - 1 + k - 1)][context_id(w, range(a - 1 + k - 5, a - 1 + k)), w[b]]
                          for b in range(a + k - 1, last + 1)}
            else:
                b = a + k - 1
                hidden = {b: both[context_id(w, list(range(b - 5, b)) + list(range(b + 1, b + 6))), w[b]]}
            for t in range(a, a + k):
                covered = [b for b in hidden if t <= b < t + k]
                total -= sum(hidden[b] for b in covered)
                uniform += len(covered) * np.log(4)
                count += 1
                edge_tokens += 1 if len(hidden) > 1 else 0
    return total / count, uniform / count, edge_tokens / count, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fasta")
    parser.add_argument("--train", type=interval, default=(0, 45_000_000))
    parser.add_argument("--held-out", type=interval, default=(45_000_000, 50_000_000))
    parser.add_argument("--max-flank", type=int, default=5)
    parser.add_argument("--masked-token-cost", action="store_true")
    parser.add_argument("--window", type=int, default=126)
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--mask-rate", type=float, default=0.15)
    parser.add_argument("--windows", type=int, default=20000)
    args = parser.parse_args()
    bases = read_contig(args.fasta)
    figures = {}
    for flank in range(args.max_flank + 1):
        nats, scored = cross_entropy(bases, flank, args.train, args.held_out)
        figures[flank] = nats
        print(f"hidden base given {flank} bases each side: {nats:.4f} nats ({scored:,} held-out bases)")
    out = {"train": args.train, "heldOut": args.held_out, "natsByFlank": figures}
    if args.masked_token_cost:
        counted, uniform, edge, tokens = masked_token_cost(bases, args.train, args.held_out, args.window, args.k,
                                                           args.mask_rate, args.windows)
        print(f"masked token (the mix mlmMaskOnly averages, {edge:.1%} of tokens in edge spans, {tokens:,} tokens): "
              f"count tables {counted:.4f} nats; no context (ln 4 a hidden base) {uniform:.4f} nats")
        out["maskedToken"] = {"countTables": counted, "noContext": uniform, "edgeTokenFraction": edge,
                              "tokens": tokens}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
