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


import pytest

from valence_bench import enroll
from valence_bench.tests import arguments


def parse(*argv):
    return arguments.parsed(enroll, 'enroll', argv)


def test_the_defaults_are_the_clis():
    args = parse()
    assert (args.nodes, args.concurrency, args.order) == (
        1000, 8, ['rest', 'cli'])


def test_the_order_may_be_turned_round():
    assert parse('--order', 'cli,rest').order == ['cli', 'rest']


@pytest.mark.parametrize('option,value', [
    ('--concurrency', '0'), ('--concurrency', '11'), ('--order', 'cli'),
    ('--order', 'rest,rest'), ('--nodes', '0')])
def test_values_the_cli_would_refuse_are_refused(option, value, capsys):
    with pytest.raises(SystemExit) as exited:
        parse(option, value)
    assert exited.value.code == 2
    assert option in capsys.readouterr().err


def test_one_manageable_ironic_node_per_composed_node_passes():
    enroll.check({'a': ('v1', 'manageable'), 'b': ('v2', 'manageable')},
                 ['v1', 'v2'], 'cli')


@pytest.mark.parametrize('nodes', [
    {'a': ('v1', 'manageable')},
    {'a': ('v1', 'manageable'), 'b': ('v1', 'manageable'),
     'c': ('v2', 'manageable')},
    {'a': ('v1', 'manageable'), 'b': ('v2', 'enroll')},
    {'a': ('v1', 'manageable'), 'b': (None, 'manageable')}])
def test_a_missing_doubled_or_unmanaged_node_fails_the_run(nodes):
    with pytest.raises(RuntimeError, match='not one manageable node per'):
        enroll.check(nodes, ['v1', 'v2'], 'rest')
