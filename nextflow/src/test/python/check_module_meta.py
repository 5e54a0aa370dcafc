#!/usr/bin/env python3
"""The meta.yml checks of `nf-core modules lint` that run without nf-core tools (not installable here).

Usage: check_module_meta.py SCHEMA MODULE_DIR...

For each module folder (main.nf + meta.yml):
  - meta.yml validates against nf-core's meta.yml JSON schema (python3-jsonschema, every error reported);
  - `name` is the process name of main.nf (case-insensitive);
  - the inputs, outputs and topics of meta.yml have the names, order and channel structure that main.nf's
    input:/output: blocks declare, parsed the way nf-core tools parses them (one declaration per line;
    val/path elements, the first argument of each; outputs by their emit: name; topic: for topics).
Prints one line per problem ("<module>: <problem>"); exit status 1 when there is any, else 0.
"""
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

INPUT_ELEMENT = re.compile(r"\b(val|path)\s*(\(([^)]+)\)|\s*([^)\s,]+))")
OUTPUT_ELEMENT = re.compile(r"\b(val|path|env|stdout)\s*(\(([^)]+)\)|\s*([^)\s,]+))")
EMIT = re.compile(r"emit:\s*([^)\s,]+)")
TOPIC = re.compile(r"topic:\s*([^)\s,]+)")


def element_names(line, pattern):
    """The name of each element: the first argument, unquoted (path(x, stageAs: ...) -> x; path "a" -> a)."""
    names = []
    for match in pattern.finditer(line):
        value = match.group(3) or match.group(4)
        if value:
            names.append(value.split(",")[0].strip().strip("'").strip('"'))
    return names


def block(body, start, ends):
    """The lines between `start:` and the first of `ends:` in the process body, comments removed."""
    text = body.split(start + ":", 1)[1] if start + ":" in body else ""
    for end in ends:
        text = text.split(end + ":", 1)[0]
    return [line.split("//")[0] for line in text.split("\n")]


def parse_main_nf(path):
    text = path.read_text()
    process = re.search(r"^\s*process\s+(\w+)\s*\{", text, re.M)
    if not process:
        return None, [], [], {}
    # Only the process body: the header comment may say anything (and '/*' occurs in stageAs globs).
    body = text[process.end():]
    inputs = [names for names in (element_names(line, INPUT_ELEMENT)
                                  for line in block(body, "input", ["output"])) if names]
    outputs, topics = [], {}
    for line in block(body, "output", ["when", "script", "shell", "exec", "stub"]):
        emit = EMIT.search(line)
        names = element_names(line, OUTPUT_ELEMENT)
        if emit:
            outputs.append((emit.group(1), names))
        topic = TOPIC.search(line)
        if topic:
            topics.setdefault(topic.group(1), []).append(names if len(names) > 1 else names[0])
    return process.group(1), inputs, outputs, topics


def key(entry):
    """The one key of a meta.yml entry ({name: {type, description}})."""
    return next(iter(entry)) if isinstance(entry, dict) and len(entry) == 1 else repr(entry)


def meta_inputs(meta):
    # A channel is a list of elements; a bare element (not in a list) is a wrong nesting and stays a name.
    return [[key(e) for e in channel] if isinstance(channel, list) else key(channel)
            for channel in meta.get("input") or []]


def meta_outputs(meta):
    outputs = []
    for channel in meta.get("output") or []:
        name = key(channel)
        elements = channel.get(name) if isinstance(channel, dict) else None
        outputs.append((name, [key(e) for e in elements] if isinstance(elements, list) else repr(elements)))
    return outputs


def meta_topics(meta):
    return {name: [[key(e) for e in entry] if isinstance(entry, list) else key(entry) for entry in entries or []]
            for name, entries in (meta.get("topics") or {}).items()}


def check(schema, module):
    problems = []
    meta_path, main_path = module / "meta.yml", module / "main.nf"
    for path in (meta_path, main_path):
        if not path.is_file():
            return [f"{path}: missing"]
    meta = yaml.safe_load(meta_path.read_text())
    for error in sorted(jsonschema.Draft7Validator(schema).iter_errors(meta), key=lambda e: list(map(str, e.path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problems.append(f"meta.yml does not validate against the nf-core schema at {where}: {error.message}")
    if not isinstance(meta, dict):
        return problems
    process, inputs, outputs, topics = parse_main_nf(main_path)
    if process is None:
        return problems + ["main.nf declares no process"]
    if not inputs or not outputs:
        problems.append(f"no input or output declarations parsed from main.nf's process {process}")
    if str(meta.get("name", "")).upper() != process:
        problems.append(f"name '{meta.get('name')}' is not the process name {process}")
    if meta_inputs(meta) != inputs:
        problems.append(f"inputs {meta_inputs(meta)} in meta.yml, main.nf declares {inputs}")
    if meta_outputs(meta) != outputs:
        problems.append(f"outputs {meta_outputs(meta)} in meta.yml, main.nf declares {outputs}")
    if meta_topics(meta) != topics:
        problems.append(f"topics {meta_topics(meta)} in meta.yml, main.nf declares {topics}")
    return problems


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.loads(Path(argv[1]).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    problems = [f"{Path(module).name}: {p}" for module in argv[2:] for p in check(schema, Path(module))]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
