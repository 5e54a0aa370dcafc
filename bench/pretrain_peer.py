#!/usr/bin/env python3
"""The peer for the pretrain benchmark: EBERT's architecture and training step in PyTorch-Python.

The same model as regbert pretrain builds with DJL (tools/pretrain: Layers.java, SequenceEncoder,
MlmHead): token + position + chromatin-state embeddings, LayerNorm, post-norm Transformer layers
with a fused QKV projection and ALiBi distance bias, GELU feed-forward, and BERT's MLM head with
tied output weights over the masked positions only; N(0, 0.02) initialisation, AdamW with
gradient clipping at 1.0. Batches are random 6-mers, 15% masked. Prints one JSON line with the
training throughput in tokens per second (forward + backward + optimiser step).

Run with Debian's python3-torch (and libopenblas0-openmp for an optimised BLAS):
    /usr/bin/python3 bench/pretrain_peer.py --preset tiny --threads 2
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    # layers, hidden, heads, intermediate, dropout, max length, batch size (as ConfigLoader.preset)
    "tiny": (2, 64, 4, 256, 0.0, 128, 16),
    "small": (4, 256, 4, 1024, 0.1, 512, 8),
    "base": (12, 768, 12, 3072, 0.1, 512, 32),
}
VOCAB = 5 + 4 ** 6
STATES = 4  # 3 states + the mask state
MASK, CLS, SEP = 4, 2, 3


def alibi(heads, length):
    slopes = torch.tensor([2.0 ** (-8.0 * (h + 1) / heads) for h in range(heads)])
    distance = (torch.arange(length)[None, :] - torch.arange(length)[:, None]).abs().float()
    return -slopes[:, None, None] * distance[None]


class EncoderLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate, dropout):
        super().__init__()
        self.heads, self.dropout = heads, dropout
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.up = nn.Linear(hidden, intermediate)
        self.down = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, mask, bias):
        b, s, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(x).view(b, s, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(d)) + bias + mask
        attention = F.dropout(scores.softmax(-1), self.dropout, self.training)
        context = (attention @ v).transpose(1, 2).reshape(b, s, h)
        x = self.attention_norm(x + F.dropout(self.out(context), self.dropout, self.training))
        ffn = self.down(F.gelu(self.up(x)))
        return self.output_norm(x + F.dropout(ffn, self.dropout, self.training))


class Ebert(nn.Module):
    def __init__(self, layers, hidden, heads, intermediate, dropout, max_length):
        super().__init__()
        self.heads, self.dropout, self.bias = heads, dropout, None
        self.tokens = nn.Embedding(VOCAB, hidden)
        self.positions = nn.Embedding(max_length, hidden)
        self.states = nn.Embedding(STATES, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, intermediate, dropout) for _ in range(layers))
        self.transform = nn.Linear(hidden, hidden)
        self.head_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.output_bias = nn.Parameter(torch.zeros(VOCAB))
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, 0.0, 0.02)
            if isinstance(module, nn.Linear):
                nn.init.zeros_(module.bias)

    def forward(self, tokens, states, masked, targets, padded=False):
        b, s = tokens.shape
        x = self.tokens(tokens) + self.positions(torch.arange(s)) + self.states(states)
        x = F.dropout(self.norm(x), self.dropout, self.training)
        # as the DJL model: the [PAD] mask only for batches with padding (random batches have none)
        mask = (tokens == 0).float().mul(-1e9).view(b, 1, 1, s) if padded else 0.0
        if self.bias is None or self.bias.shape[-1] != s:
            self.bias = alibi(self.heads, s)  # built once per length, as the DJL model does
        bias = self.bias
        for layer in self.layers:
            x = layer(x, mask, bias)
        selected = x.reshape(b * s, -1)[masked]
        logits = F.linear(self.head_norm(F.gelu(self.transform(selected))), self.tokens.weight, self.output_bias)
        return F.cross_entropy(logits, targets)


def random_batch(generator, b, s):
    tokens = torch.randint(5, VOCAB, (b, s), generator=generator)
    tokens[:, 0], tokens[:, -1] = CLS, SEP
    states = torch.randint(1, 3, (b, s), generator=generator)
    chosen = torch.rand(b, s, generator=generator) < 0.15
    chosen[:, 0] = chosen[:, -1] = False
    masked = chosen.reshape(-1).nonzero().squeeze(1)
    targets = tokens.reshape(-1)[masked].clone()
    tokens = tokens.masked_fill(chosen, MASK)
    return tokens, states, masked, targets


def blas():
    """The BLAS library this process loaded (Debian's torch links the generic libblas.so.3)."""
    try:
        with open("/proc/self/maps") as maps:
            libraries = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return "unknown BLAS"
    for name in ("openblas", "mkl", "blis", "atlas"):
        for library in sorted(libraries):
            if name in library.lower():
                return library
    return next((lib for lib in sorted(libraries) if "libblas" in lib), "unknown BLAS") + " (reference BLAS: slow)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="tiny", choices=sorted(PRESETS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    layers, hidden, heads, intermediate, dropout, length, batch = PRESETS[args.preset]
    model = Ebert(layers, hidden, heads, intermediate, dropout, length)
    model.train()
    decay = [p for n, p in model.named_parameters() if p.dim() == 2 and "positions" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() == 2 and "positions" not in n)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                                  lr=1e-4)
    generator = torch.Generator().manual_seed(7)
    tokens_done, start = 0, None
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            start, tokens_done = time.perf_counter(), 0
        tokens, states, masked, targets = random_batch(generator, batch, length)
        loss = model(tokens, states, masked, targets)
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        loss.item()
        tokens_done += batch * length
    seconds = time.perf_counter() - start
    print(json.dumps({"preset": args.preset, "threads": torch.get_num_threads(), "steps": args.steps,
                      "seconds": round(seconds, 3), "tokensPerSecond": round(tokens_done / seconds, 1),
                      "torch": torch.__version__, "blas": blas()}))


if __name__ == "__main__":
    main()
