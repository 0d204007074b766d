# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Writes, or checks, the two documents made from the ``[valence]`` options.

``docs/valence.conf.sample`` is oslo-config-generator's sample (its
configuration in tools/config/), ``docs/config-reference.md`` a Markdown
table of the same options, both read from ``ironic_valence.conf``'s
``list_opts``, so that the options' help in conf.py is the one place they
are written. With ``--check`` nothing is written; the exit status is 1 when
either document differs from what the options make, and the message says
how to make them again. Run from the repository root or anywhere: paths
are the repository's.
"""

import argparse
import difflib
import os
import pathlib
import sys
import tempfile

from oslo_config import generator

ROOT = pathlib.Path(__file__).resolve().parents[2]
GENERATOR_CONF = (ROOT / 'shim-python' / 'tools' / 'config'
                  / 'ironic-valence-config-generator.conf')
SAMPLE = ROOT / 'docs' / 'valence.conf.sample'
TABLE = ROOT / 'docs' / 'config-reference.md'
COMMAND = 'shim-python/tools/config_docs.py'

HEADER = """\
# The `[valence]` options of ironic.conf

Generated from the options' help in `shim-python/ironic_valence/conf.py`
by `.venv/bin/python {command}`; do not edit (the lint step of
`scripts/test` fails when it is not current). The same options as an
ironic.conf sample, made by `oslo-config-generator`:
[valence.conf.sample](valence.conf.sample).

| option | type | default | meaning |
| --- | --- | --- | --- |
"""


def _cell(text):
    return ' '.join(str(text).split()).replace('|', '\\|')


def _default(opt):
    default = opt.default
    if default is None:
        return '-'
    if isinstance(default, bool):
        return '`%s`' % str(default).lower()
    if isinstance(default, (list, tuple)):
        default = ','.join(str(item) for item in default)
    return '`%s`' % default


def _meaning(opt):
    parts = [_cell(opt.help)]
    bounds = [('minimum', getattr(opt.type, 'min', None)),
              ('maximum', getattr(opt.type, 'max', None))]
    bounds = ['%s %s' % (word, value) for word, value in bounds
              if value is not None]
    if bounds:
        parts.append('(%s)' % ', '.join(bounds))
    if opt.secret:
        parts.append('Secret: never logged.')
    if opt.deprecated_for_removal:
        parts.append('**Deprecated for removal:** %s'
                     % _cell(opt.deprecated_reason))
    return ' '.join(parts)


def table():
    """The Markdown page of the options, as a string.

    :raises ImportError: when ironic_valence or Ironic cannot be imported.
    """
    from ironic_valence import conf

    lines = [HEADER.format(command=COMMAND)]
    for _group, opts in conf.list_opts():
        for opt in opts:
            kind = _cell(opt.type.type_name).removesuffix(' value')
            lines.append('| `%s` | %s | %s | %s |\n' % (
                opt.name, kind, _default(opt), _meaning(opt)))
    return ''.join(lines)


def sample():
    """oslo-config-generator's sample of the options, as a string.

    :raises SystemExit: when the generator fails (it says why).
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'valence.conf.sample')
        generator.main(['--config-file', str(GENERATOR_CONF),
                        '--output-file', out])
        with open(out) as f:
            return f.read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true',
                        help='only compare; exit 1 when a document is stale')
    args = parser.parse_args(argv)
    stale = []
    for path, text in ((SAMPLE, sample()), (TABLE, table())):
        current = path.read_text() if path.exists() else ''
        if current == text:
            continue
        if args.check:
            stale.append(path)
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(True), text.splitlines(True),
                str(path.relative_to(ROOT)), 'generated'))
        else:
            path.write_text(text)
            print('wrote %s' % path.relative_to(ROOT))
    if stale:
        print('stale: %s; make them again with .venv/bin/python %s'
              % (', '.join(str(p.relative_to(ROOT)) for p in stale), COMMAND),
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
