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


import json
import os
from pathlib import Path
import subprocess
import sys

import pytest

from valence_bench import __main__ as cli
from valence_bench import plot
from valence_bench import results
from valence_bench import stack

TOOLS = Path(__file__).resolve().parents[2]
ENV = {**os.environ,
       'PYTHONPATH': '%s:%s' % (TOOLS, TOOLS.parent / 'scripts')}


def bench(*argv):
    return subprocess.run([sys.executable, '-m', 'valence_bench', *argv],
                          env=ENV, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize('name', sorted(cli.SUBCOMMANDS))
def test_each_subcommand_has_its_help(name):
    done = bench(name, '--help')
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('usage: tools/bench %s' % name)


def test_an_unknown_subcommand_is_refused_with_the_list():
    done = bench('nope')
    assert done.returncode == 2
    assert 'unknown subcommand' in done.stderr and 'fleet' in done.stderr


def figures(kind):
    return {
        'fleet': {'nodes': 100, 'topology': 'single', 'kinds': [
            {'kind': 'fake', 'label': 'fake', 'cycle_p50_s': 0.5,
             'cycles_s': [0.5], 'cpu_ms_per_node': {'ironic': 3.0},
             'note': None}]},
        'startup': {'java': 'openjdk version "25"', 'setups': {
            'jar': {'wall_s': [4.0, 4.5], 'cpu_s': [8.0, 8.1]},
            'shipped': {'wall_s': [2.5, 2.6], 'cpu_s': [4.8, 4.9]}}},
        'soak': {'clients': 200, 'load_s': 3, 'loads': [
            {'service': 'bounded', 'ok': 10, 'errors': 0, 'per_s': 3.3,
             'p50': 0.1, 'p99': 0.2, 'rss_peak': 2 ** 28,
             'rss_end': 2 ** 27}]},
        'failover': {'nodes': 100, 'kind': 'valence', 'replica': 'service-a',
                     'back_after_s': 50.0, 'conductors': {
                         'conductor-a': [{'seconds': 3.0, 'phase': 'normal'},
                                         {'seconds': 3.5, 'phase': 'kill'},
                                         {'seconds': 4.0,
                                          'phase': 'restart'}]}},
        'node-list': {'nodes': 100, 'parallelism': 16, 'cli_help_s': 1.0,
                      'latencies': []},
        'enroll': {'nodes': 100, 'concurrency': 8, 'order': ['rest', 'cli'],
                   'ways': {}, 'cli_over_rest': 0.9},
    }[kind]


def test_plot_draws_each_kind_it_has_a_plot_for(tmp_path):
    for kind in results.KINDS:
        results.write(results.record(kind, 'tools/bench %s' % kind,
                                     figures(kind)), tmp_path / 'in')
    done = bench('plot', str(tmp_path / 'in'), '--out',
                 str(tmp_path / 'out'))
    assert done.returncode == 0, done.stderr
    drawn = sorted(p.name for p in (tmp_path / 'out').iterdir())
    assert drawn == ['failover.png', 'fleet.png', 'rss.png', 'startup.png']
    for name in drawn:
        assert (tmp_path / 'out' / name).read_bytes()[:4] == b'\x89PNG'


def test_plot_refuses_a_file_that_is_no_result(tmp_path):
    (tmp_path / 'other.json').write_text(json.dumps({'kind': 'weather'}))
    with pytest.raises(ValueError, match='not a result file'):
        plot.draw([tmp_path / 'other.json'], tmp_path)


def test_a_result_file_names_its_command_and_commit(tmp_path):
    path = results.write(results.record('startup', 'tools/bench startup',
                                        figures('startup')), tmp_path)
    again = results.write(results.record('startup', 'tools/bench startup',
                                         figures('startup')), tmp_path)
    assert path != again
    document = results.load(path)
    assert document['command'] == 'tools/bench startup'
    assert document['commit']
    assert document['machine']['cores'] == os.cpu_count()
    with pytest.raises(ValueError, match='unknown kind'):
        results.record('weather', 'x', {})


def test_start_up_from_the_runs_or_from_their_summary():
    assert plot.median_max({'wall_s': [3.0, 2.0, 9.0]}, 'wall') == (3.0, 9.0)
    assert plot.median_max({'cpu_median_s': 4.8, 'cpu_max_s': 4.9},
                           'cpu') == (4.8, 4.9)


def test_the_ironic_children_command_lines_parse_as_meant():
    # ironic's --command must not take the place of the subcommand.
    args = stack.parser().parse_args(
        ['ironic', '--config', 'c.conf', '--command', 'ironic-api'])
    assert (args.what, args.command, args.config) == (
        'ironic', 'ironic-api', 'c.conf')
    argv = stack.enroll_argv('c.conf', 'valence', 'nodes.json')
    args = stack.parser().parse_args([str(a) for a in argv[3:]])
    assert (args.what, args.driver, args.specs) == (
        'enroll', 'valence', 'nodes.json')
