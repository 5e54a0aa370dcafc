#!/usr/bin/python3
"""
Runs the <tests> of regbert Galaxy wrappers without Galaxy (planemo and Galaxy cannot be installed here):
for each <test>, the wrapper's <command> (tokens of macros.xml substituted) is rendered with Debian's
Cheetah (python3-cheetah) against mock Galaxy parameter objects (defaults of <inputs>, overridden by the
test's params; data inputs are test-data paths), newlines joined as Galaxy does, and run with bash in a
fresh job folder with the repository's ./regbert launcher on the PATH and GALAXY_SLOTS=2. Then the
test's assertions are checked on the outputs (from_work_dir, discovered collections) and on stderr.

Covers the assertions the regbert wrappers use: has_text (n), not_has_text, has_text_matching, has_line,
has_line_matching, has_n_lines, has_size (size, or min/max with Galaxy's k/M suffixes), has_json_property_with_text/value,
has_archive_member (path regex, n, negate, nested assertions), output_collection count and elements,
assert_stderr/assert_stdout, expect_failure and expect_exit_code, expect_num_outputs (counted over the
outputs the test names). Data inputs have the dbkey '?' (no database/build), as Galaxy's default.

    apt-get install -y python3-cheetah
    /usr/bin/python3 galaxy-wrappers/src/test/cheetah/run_galaxy_tests.py galaxy-wrappers/regbert_finetune.xml [...]

Exit status 0 when every test passed. Job folders stay in galaxy-wrappers/target/cheetah-jobs/.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET

from Cheetah.Template import Template

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
ROOT = os.path.dirname(MODULE)
TEST_DATA = os.path.join(MODULE, 'test-data')


# ---- mock Galaxy parameter objects -----------------------------------------------------------

class Value:
    """A text/integer/float/select/boolean value: str() is what Galaxy writes; false when unset or empty."""

    def __init__(self, value):
        self.value = value

    def __str__(self):
        return '' if self.value is None else str(self.value)

    def __bool__(self):
        return self.value not in (None, '', False)

    def __eq__(self, other):
        return str(self) == str(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(str(self))


class Dataset:
    def __init__(self, path, ext, identifier):
        self.path = path
        self.ext = ext
        self.element_identifier = identifier
        self.name = identifier
        # Galaxy's "no database/build" (tokenize falls back to its own assembly detection)
        self.dbkey = '?'

    def __str__(self):
        return self.path

    def __bool__(self):
        return True

    def is_of_type(self, *types):
        return self.ext in types

    @property
    def file_name(self):
        return self.path


class Collection(list):
    pass


class Group(dict):
    """A conditional, section or repeat element: attribute access for Cheetah."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


# ---- macros ------------------------------------------------------------------------------------

def tokens(macros_path):
    tree = ET.parse(macros_path).getroot()
    return {t.get('name'): (t.text or '') for t in tree.findall('token')}


def xml_macros(macros_path):
    tree = ET.parse(macros_path).getroot()
    return {m.get('name'): m for m in tree.findall('xml')}


def expand_macros(element, macros):
    """Replaces every <expand macro="X"/> under element by the children of the <xml name="X"> macro
    (of macros.xml or the tool's own <macros>), in place and recursively, as Galaxy does before it reads
    a tool: a macro's tokens="a,b" become @A@ and @B@, replaced by the expand's attributes a and b
    (no <yield/>s are used in inputs or commands here)."""
    for index, child in reversed(list(enumerate(list(element)))):
        if child.tag == 'expand':
            element.remove(child)
            macro = macros[child.get('macro')]
            names = [t.strip() for t in (macro.get('tokens') or '').split(',') if t.strip()]
            for offset, body in enumerate(macro):
                text = ET.tostring(body, encoding='unicode')
                for name in names:
                    text = text.replace('@' + name.upper() + '@', child.get(name, ''))
                copy = ET.fromstring(text)
                expand_macros(copy, macros)
                element.insert(index + offset, copy)
        else:
            expand_macros(child, macros)


def expand_tokens(text, toks):
    for _ in range(5):
        for name, value in toks.items():
            text = text.replace(name, value)
    return text


# ---- building the parameter dictionary -------------------------------------------------------------

def default_of(param):
    kind = param.get('type')
    if kind == 'select':
        options = param.findall('option')
        chosen = [o for o in options if o.get('selected') == 'true'] or options[:1]
        return Value(chosen[0].get('value') if chosen else None)
    if kind == 'boolean':
        checked = param.get('checked') == 'true'
        return Value(param.get('truevalue', 'true') if checked else param.get('falsevalue', 'false'))
    if kind in ('data', 'data_collection'):
        return Value(None)
    value = param.get('value')
    if kind in ('integer', 'float') and value in (None, ''):
        return Value(None)
    return Value(value if value is not None else '')


def boolean_value(param, given):
    truthy = given.lower() in ('true', 'yes', '1')
    return Value(param.get('truevalue', 'true') if truthy else param.get('falsevalue', 'false'))


def data_value(test_param):
    value = test_param.get('value')
    if value is None:
        collection = test_param.find('collection')
        if collection is None:
            return Value(None)
        items = Collection()
        for element in collection.findall('element'):
            items.append(Dataset(os.path.join(TEST_DATA, element.get('value')), element.get('ftype'), element.get('name')))
        return items
    return Dataset(os.path.join(TEST_DATA, value), test_param.get('ftype') or value.rsplit('.', 1)[-1], value)


def build(inputs, test_scope):
    """Parameters of an <inputs> (or a section/when/repeat body) with the test's values of that scope."""
    values = Group()
    for child in inputs:
        tag = child.tag
        if tag == 'param':
            name = child.get('name')
            given = find_param(test_scope, name)
            if given is None:
                values[name] = default_of(child)
            elif child.get('type') in ('data', 'data_collection'):
                values[name] = data_value(given)
            elif child.get('type') == 'boolean':
                values[name] = boolean_value(child, given.get('value'))
            else:
                values[name] = Value(given.get('value'))
        elif tag == 'section':
            scope = first(test_scope, 'section', child.get('name'))
            values[child.get('name')] = build(child, scope if scope is not None else ET.Element('section'))
        elif tag == 'conditional':
            scope = first(test_scope, 'conditional', child.get('name'))
            if scope is None:
                # Galaxy also accepts "cond|param" names at the test's top level
                scope = ET.Element('conditional')
                for p in test_scope.findall('param'):
                    if p.get('name', '').startswith(child.get('name') + '|'):
                        q = ET.SubElement(scope, 'param', dict(p.attrib))
                        q.set('name', p.get('name').split('|', 1)[1])
            selector = child.find('param')
            group = build([selector], scope)
            chosen = str(group[selector.get('name')])
            for when in child.findall('when'):
                if when.get('value') == chosen:
                    group.update(build(when, scope))
            values[child.get('name')] = group
        elif tag == 'repeat':
            scopes = [r for r in test_scope.findall('repeat') if r.get('name') == child.get('name')]
            if not scopes:
                scopes = [ET.Element('repeat')] * int(child.get('default', child.get('min', '0')))
            values[child.get('name')] = [build(child, s) for s in scopes]
    return values


def find_param(scope, name):
    for p in scope.findall('param'):
        if p.get('name') == name:
            return p
    return None


def first(scope, tag, name):
    for e in scope.findall(tag):
        if e.get('name') == name:
            return e
    return None


# ---- assertions ----------------------------------------------------------------------------------

class Failures(list):
    def check(self, ok, message):
        if not ok:
            self.append(message)


def text_of(data):
    return data.decode('utf-8', errors='replace') if isinstance(data, bytes) else data


def check_assertions(assertions, data, failures, where):
    text = None
    for a in assertions:
        tag = a.tag
        negate = a.get('negate') == 'true'
        if tag in ('has_text', 'not_has_text', 'has_text_matching', 'has_line', 'has_line_matching', 'has_n_lines',
                   'has_json_property_with_text', 'has_json_property_with_value'):
            text = text if text is not None else text_of(data)
        if tag == 'has_text':
            count = text.count(a.get('text'))
            ok = count == int(a.get('n')) if a.get('n') else count > 0
            failures.check(ok != negate, f'{where}: has_text {a.get("text")!r} (n={a.get("n")}): found {count}')
        elif tag == 'has_text_matching':
            count = len(re.findall(a.get('expression'), text))
            ok = count == int(a.get('n')) if a.get('n') else count > 0
            failures.check(ok != negate, f'{where}: has_text_matching {a.get("expression")!r}: {count}')
        elif tag == 'not_has_text':
            failures.check(a.get('text') not in text, f'{where}: not_has_text {a.get("text")!r}')
        elif tag == 'has_line':
            lines = text.splitlines()
            count = lines.count(a.get('line'))
            ok = count == int(a.get('n')) if a.get('n') else count > 0
            failures.check(ok != negate, f'{where}: has_line {a.get("line")!r}')
        elif tag == 'has_line_matching':
            count = sum(1 for line in text.splitlines() if re.fullmatch(a.get('expression'), line))
            ok = count == int(a.get('n')) if a.get('n') else count > 0
            failures.check(ok != negate, f'{where}: has_line_matching {a.get("expression")!r}: {count}')
        elif tag == 'has_n_lines':
            n = len(text.splitlines())
            failures.check(n == int(a.get('n')), f'{where}: has_n_lines {a.get("n")}: {n}')
        elif tag == 'has_size':
            size = len(data)
            if a.get('size') is not None:
                failures.check(size == byte_count(a.get('size')), f'{where}: has_size {a.get("size")}: {size}')
            else:
                low = byte_count(a.get('min', '0'))
                high = byte_count(a.get('max')) if a.get('max') is not None else float('inf')
                failures.check(low <= size <= high, f'{where}: has_size min={a.get("min")} max={a.get("max")}: {size}')
        elif tag in ('has_json_property_with_text', 'has_json_property_with_value'):
            found = json_properties(json.loads(text), a.get('property'))
            if tag == 'has_json_property_with_text':
                ok = any(isinstance(v, str) and v == a.get('text') for v in found)
                failures.check(ok, f'{where}: {a.get("property")} = {a.get("text")!r}: {found[:5]}')
            else:
                expected = json.loads(a.get('value'))
                failures.check(any(v == expected for v in found), f'{where}: {a.get("property")} == {expected}: {found[:5]}')
        elif tag == 'has_archive_member':
            members = archive_members(data)
            matched = [name for name in members if re.fullmatch(a.get('path'), name)]
            if a.get('n'):
                ok = len(matched) == int(a.get('n'))
            else:
                ok = bool(matched)
            failures.check(ok != negate, f'{where}: has_archive_member {a.get("path")!r} (n={a.get("n")}, negate={negate}): {matched}')
            if matched and not negate and len(a):
                check_assertions(list(a), members[matched[0]], failures, f'{where} [{matched[0]}]')
        else:
            failures.append(f'{where}: assertion {tag} not supported by this runner')


def byte_count(text):
    """Galaxy's sizes: a number, optionally with k, M or G (powers of 1024)."""
    text = text.strip()
    factor = {'k': 1024, 'K': 1024, 'M': 1024 ** 2, 'G': 1024 ** 3}.get(text[-1:], 1)
    return int(float(text[:-1] if factor != 1 else text) * factor)


def json_properties(node, name):
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == name:
                found.append(v)
            found.extend(json_properties(v, name))
    elif isinstance(node, list):
        for v in node:
            found.extend(json_properties(v, name))
    return found


def archive_members(data):
    import io
    import zipfile
    members = {}
    if data[:4] == b'PK\x03\x04':
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if not name.endswith('/'):
                    members[name] = archive.read(name)
        return members
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for info in tar.getmembers():
            if info.isfile():
                members[info.name] = tar.extractfile(info).read()
    return members


# ---- running a wrapper's tests ----------------------------------------------------------------

def run_tool(tool_path):
    toks = tokens(os.path.join(os.path.dirname(tool_path), 'macros.xml'))
    root = ET.parse(tool_path).getroot()
    macros = xml_macros(os.path.join(os.path.dirname(tool_path), 'macros.xml'))
    own = root.find('macros')
    if own is not None:
        macros.update({m.get('name'): m for m in own.findall('xml')})
    expand_macros(root, macros)
    tool_id = root.get('id')
    command = expand_tokens(root.find('command').text, toks)
    inputs = root.find('inputs')
    outputs = {o.get('name'): o for o in root.find('outputs')}
    results = []
    for index, test in enumerate(root.find('tests').findall('test'), start=1):
        job = os.path.join(MODULE, 'target', 'cheetah-jobs', f'{tool_id}-{index}')
        shutil.rmtree(job, ignore_errors=True)
        os.makedirs(job)
        params = build(inputs, test)
        rendered = str(Template(command, searchList=[params]))
        # Galaxy joins the command's lines with spaces (a trailing && or ; keeps the shell happy)
        script = ' '.join(line.strip() for line in rendered.splitlines() if line.strip())
        with open(os.path.join(job, 'command.sh'), 'w') as f:
            f.write(script + '\n')
        env = dict(os.environ, GALAXY_SLOTS='2', PATH=ROOT + os.pathsep + os.environ['PATH'])
        started = time.time()
        proc = subprocess.run(['bash', '-c', script], cwd=job, env=env, capture_output=True)
        seconds = time.time() - started
        failures = Failures()
        expect_failure = test.get('expect_failure') == 'true'
        if expect_failure:
            failures.check(proc.returncode != 0, f'test {index}: expected a failure, exit 0')
            if test.get('expect_exit_code'):
                failures.check(proc.returncode == int(test.get('expect_exit_code')),
                               f'test {index}: exit code {proc.returncode}, expected {test.get("expect_exit_code")}')
        else:
            failures.check(proc.returncode == 0, f'test {index}: exit {proc.returncode}:\n{proc.stderr.decode()[-3000:]}')
        for stream, data in (('assert_stderr', proc.stderr), ('assert_stdout', proc.stdout)):
            node = test.find(stream)
            if node is not None:
                check_assertions(list(node), data, failures, f'test {index} {stream}')
        if not expect_failure and proc.returncode == 0:
            named = 0
            for out in test.findall('output'):
                named += 1
                spec = outputs[out.get('name')]
                path = os.path.join(job, spec.get('from_work_dir'))
                if not os.path.isfile(path):
                    failures.append(f'test {index}: output {out.get("name")}: no {spec.get("from_work_dir")}')
                    continue
                if out.get('ftype'):
                    failures.check(out.get('ftype') == spec.get('format'), f'test {index}: {out.get("name")} ftype')
                with open(path, 'rb') as f:
                    data = f.read()
                node = out.find('assert_contents')
                if node is not None:
                    check_assertions(list(node), data, failures, f'test {index} output {out.get("name")}')
            for out in test.findall('output_collection'):
                named += 1
                spec = outputs[out.get('name')]
                discover = spec.find('discover_datasets')
                folder = os.path.join(job, discover.get('directory', ''))
                pattern = discover.get('pattern').replace('(?P<designation>', '(?P<designation>')
                elements = {}
                for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
                    m = re.fullmatch(pattern, name)
                    if m:
                        elements[m.group('designation')] = os.path.join(folder, name)
                if out.get('count'):
                    failures.check(len(elements) == int(out.get('count')),
                                   f'test {index}: collection {out.get("name")}: {len(elements)} elements {list(elements)}')
                for element in out.findall('element'):
                    path = elements.get(element.get('name'))
                    if path is None:
                        failures.append(f'test {index}: collection {out.get("name")}: no element {element.get("name")}')
                        continue
                    with open(path, 'rb') as f:
                        data = f.read()
                    node = element.find('assert_contents')
                    if node is not None:
                        check_assertions(list(node), data, failures, f'test {index} {out.get("name")}/{element.get("name")}')
            if test.get('expect_num_outputs'):
                failures.check(named == int(test.get('expect_num_outputs')) or named == 0,
                               f'test {index}: the test names {named} outputs, expect_num_outputs {test.get("expect_num_outputs")}')
        status = 'ok' if not failures else 'FAILED'
        print(f'{tool_id} test {index}: {status} (exit {proc.returncode}, {seconds:.1f} s)')
        for failure in failures:
            print('    ' + failure)
        results.append(not failures)
    return results


def main(paths):
    results = []
    for path in paths:
        results.extend(run_tool(path))
    print(f'{sum(results)}/{len(results)} tests passed')
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
