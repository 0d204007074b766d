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


"""The result files: one JSON document per run of a subcommand.

Each holds what `tools/bench plot` draws from, with what makes a figure
worth quoting: the command, the commit, when, and how busy the machine
was. The subcommands write them under .run/bench-results/; the ones the
docs quote are kept in docs/bench-results/.
"""

import datetime
import json
import os
import subprocess

from valence_bench import children

RESULTS_DIR = children.RUN_DIR / 'bench-results'
# The kinds of result; tools/bench plot draws those it has a plot for.
KINDS = ('fleet', 'startup', 'soak', 'failover', 'node-list', 'enroll')


def commit():
    """The checked-out commit, '-dirty' when the tree has changes."""
    try:
        head = subprocess.run(
            ['git', '-C', str(children.ROOT), 'describe', '--always',
             '--dirty', '--abbrev=7'], capture_output=True, text=True,
            check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head or None


def record(kind, command, figures, note=None):
    """A result document of a run made now on this machine.

    :raises ValueError: for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError('unknown kind of result %r' % kind)
    return {
        'kind': kind,
        'command': command,
        'commit': commit(),
        'date': datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y-%m-%dT%H:%MZ'),
        'machine': {'cores': os.cpu_count(),
                    'load_average': round(os.getloadavg()[0], 1)},
        'note': note,
        'figures': figures,
    }


def write(document, directory=RESULTS_DIR):
    """Writes a result document; returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = document['date'].replace(':', '')
    path = directory / ('%s-%s.json' % (document['kind'], stamp))
    for n in range(2, 100):
        if not path.exists():
            break
        path = directory / ('%s-%s-%d.json' % (document['kind'], stamp, n))
    path.write_text(json.dumps(document, indent=1) + '\n')
    print('==> result file: %s' % path)
    return path


def load(path):
    """A result document read back.

    :raises ValueError: when it is not one.
    """
    with open(path) as f:
        document = json.load(f)
    if not isinstance(document, dict) or document.get('kind') not in KINDS:
        raise ValueError('%s is not a result file of tools/bench' % path)
    for key in ('command', 'figures'):
        if key not in document:
            raise ValueError('%s has no %s' % (path, key))
    return document
