#!/usr/bin/python3
"""Prints bench/science's evidence table (markdown) from the evaluate reports under OUT/reports.

One row per (task, model) with the headline measures and their block-bootstrap intervals, then the
paired differences the targets are about, each marked met / not met as measured, then the CPU minutes
of every step. Nothing is computed here that evaluate did not report.
"""
import argparse
import json
import pathlib
import sys

TASKS = ["promoter", "splice", "dhs", "mcv", "janggu"]
TITLES = {
    "promoter": "promoter (RefSeq TSS)",
    "splice": "splice donor/acceptor (GENCODE MANE; windows centred on sites and GT/AG decoys)",
    "dhs": "DHS open/closed (states ignored)",
    "mcv": "DHS MCV level (regression, states ignored)",
    "janggu": "Oct4 vs Mafk (janggu records)",
}
MODELS = ["kmer-lr", "scratch", "ebert", "ebert-dhs", "genebert"]
# The measures shown per task kind, in order (the report's JSON keys).
MEASURES = {
    "binary": ["auroc", "auprc", "averagePrecision", "recallAtFdr10", "recallAtFdr50"],
    "multiclass": ["macroAuroc", "macroAuprc", "macroAveragePrecision"],
    "regression": ["pearson", "spearman"],
}
# (task, better, worse, measures, margin): the targets.
TARGETS = [
    (t, better, worse, m, margin)
    for t in ("promoter", "splice")
    for better in ("ebert", "ebert-dhs")
    for worse in ("scratch", "kmer-lr")
    for m, margin in (("auroc", 0.02), ("auprc", 0.0))
] + [("promoter", "ebert-dhs", "ebert", "auroc", 0.0), ("promoter", "ebert-dhs", "ebert", "auprc", 0.0)]


def fmt(v):
    return "–" if v is None else f"{v:.3f}"


def signed(v):
    return "–" if v is None else f"{v:+.4f}"


def load(out):
    reports = {}
    for task in TASKS:
        f = out / "reports" / task / "report.json"
        if f.exists():
            reports[task] = json.loads(f.read_text())
    return reports


def first_task(report):
    return report["tasks"][0]


def measure_key(kind, name):
    """The report key of a target measure for a task kind (splice is multi-class: macro measures)."""
    if kind == "multiclass":
        return {"auroc": "macroAuroc", "auprc": "macroAuprc"}.get(name, name)
    return name


def comparison(task, a, b, key):
    """(difference b - a, lower, upper) from the report's paired comparisons, either direction."""
    for c in task.get("comparisons", []):
        if c["metric"] != key:
            continue
        if c["baseline"] == a and c["model"] == b:
            return c["difference"], c.get("lower"), c.get("upper")
        if c["baseline"] == b and c["model"] == a:
            lo, hi = c.get("lower"), c.get("upper")
            return -c["difference"], None if hi is None else -hi, None if lo is None else -lo
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--pretrain-minutes")
    parser.add_argument("--ebert-minutes")
    parser.add_argument("--finetune-minutes")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", default="2", help="the threads every step ran with")
    parser.add_argument("--skipped", default="", help="TASK/MODEL fine-tunings bench/science left out")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    reports = load(out)
    if not reports:
        print(f"no reports under {out}/reports", file=sys.stderr)
        return 1
    pretraining = (f"EBERT {args.ebert_minutes} min, GeneBERT {args.pretrain_minutes} min"
                   if args.ebert_minutes and args.ebert_minutes != args.pretrain_minutes
                   else f"{args.pretrain_minutes} min per model")
    print(f"### Evidence table ({'--quick, ' if args.quick else ''}pre-training {pretraining}, "
          f"fine-tuning {args.finetune_minutes} min per task and model; {args.threads} thread{'s' if args.threads != '1' else ''})\n")
    if args.skipped:
        print("Left out (`--skip`): " + ", ".join(f"`{s}`" for s in args.skipped.split(",") if s) + ".\n")
    left_out = out / "left-out.tsv"
    if left_out.exists():
        for line in left_out.read_text().splitlines():
            if line.strip():
                which, why = line.split("\t", 1)
                print(f"Left out: `{which}`: {why}.\n")
    first = next(iter(reports.values()))
    print(f"Intervals: {first['settings'].get('confidenceLevel', 0.95):.0%} bootstrap, "
          f"{first_task(first).get('bootstrapUnit', '?')} ({first['settings'].get('bootstrapIterations')} replicates).\n")
    for name, report in reports.items():
        task = first_task(report)
        kind = task["kind"]
        keys = [k for k in MEASURES.get(kind, []) if any(k in m["metrics"] for m in task["models"])]
        counts = task.get("classCounts") or {}
        print(f"**{TITLES.get(name, name)}** — {task['windows']} test windows scored"
              + (f", {task['excluded']} excluded" if task.get("excluded") else "")
              + (f"; classes {json.dumps(counts)}" if counts else "") + f" ([report](reports/{name}/report.html))\n")
        print("| model | " + " | ".join(keys) + " |")
        print("|---" * (len(keys) + 1) + "|")
        by_name = {m["model"]: m for m in task["models"]}
        for model in [m for m in MODELS if m in by_name] + [m for m in by_name if m not in MODELS]:
            m = by_name[model]
            cells = []
            for k in keys:
                v = m["metrics"].get(k)
                ci = m.get("intervals", {}).get(k)
                cells.append(fmt(v) + (f" [{fmt(ci.get('lower'))}, {fmt(ci.get('upper'))}]" if ci else ""))
            print(f"| {model} | " + " | ".join(cells) + " |")
        print()
    print("**Targets** (paired differences over the same bootstrap blocks; met = difference ≥ margin and interval above 0)\n")
    print("| task | comparison | measure | difference [interval] | target | met |")
    print("|---|---|---|---|---|---|")
    for task_name, better, worse, measure, margin in TARGETS:
        if task_name not in reports:
            continue
        task = first_task(reports[task_name])
        names = {m["model"] for m in task["models"]}
        if better not in names or worse not in names:
            continue
        key = measure_key(task["kind"], measure)
        c = comparison(task, worse, better, key)
        if c is None:
            print(f"| {task_name} | {better} − {worse} | {key} | not in the report | | |")
            continue
        d, lo, hi = c
        met = d is not None and d >= margin and lo is not None and lo > 0
        target = f"≥ {margin:g}, interval > 0" if margin else "> 0, interval > 0"
        # four decimals: a lower bound of +0.0004 must not read as 0.000 beside "interval above 0"
        print(f"| {task_name} | {better} − {worse} | {key} | {d:+.4f} [{signed(lo)}, {signed(hi)}] | {target} | "
              f"{'met' if met else 'not met'} |")
    times = out / "cpu-minutes.tsv"
    if times.exists():
        print("\n**Time** (wall and CPU minutes per step)\n")
        print("| step | wall min | CPU min |")
        print("|---|---|---|")
        total = [0.0, 0.0]
        for line in times.read_text().splitlines():
            step, wall, cpu = line.split("\t")
            total[0] += float(wall)
            total[1] += float(cpu)
            print(f"| {step} | {float(wall):.1f} | {float(cpu):.1f} |")
        print(f"| total | {total[0]:.1f} | {total[1]:.1f} |")
    commands = out / "commands.tsv"
    if commands.exists():
        last = {}
        for line in commands.read_text().splitlines():
            step, _, command = line.partition("\t")
            last[step] = command
        print("\n<details><summary>Commands (as bench/science ran them)</summary>\n\n```bash")
        for step, command in last.items():
            print(f"# {step}\n{command}")
        print("```\n</details>")
    print(f"\nReports: {out}/reports/<task>/report.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
