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

"""End to end: a composed node's life in Ironic, from scheduling at
enrolment to retirement by Ironic's own cleaning, by hand and by
`baremetal valence node retire`.

Each test composes the nodes it uses, with names of its own, and leaves
none of them behind, so that the run of test_e2e.py in the same session
sees the emulator as it left it.
"""

import json

import requests

from stack import POWER_SYNC_INTERVAL_S
from stack import wait_until

RELEASE = json.dumps([{'interface': 'management',
                       'step': 'release_composed_node'}])
CLEAN_TIMEOUT_S = 60


def compose_enrolled(cli, name, flavor='small'):
    """Composes a node and enrolls it (manageable), as an operator would.

    :returns: the command's result: valence_node_id, ironic_node, ...
    """
    result = cli.run('valence', 'node', 'compose', '--name', name,
                     '--flavor', flavor, '--enroll', '--wait', '60',
                     '-f', 'json')
    return json.loads(result.stdout)


def retire_and_release(cli, node):
    """Ironic's retirement by hand, as the operator guide shows it."""
    cli.run('node', 'set', node, '--retired', '--retired-reason',
            'end of life')
    cli.run('node', 'clean', node, '--clean-steps', RELEASE, '--wait',
            CLEAN_TIMEOUT_S)


def retire(cli, node):
    """The same, and the delete, by the valence command."""
    cli.run('valence', 'node', 'retire', node, '--delete', '--timeout',
            CLEAN_TIMEOUT_S)


def test_compose_enroll_sets_the_flavors_resource_class_and_traits(cli):
    shown = compose_enrolled(cli, 'life-sched', 'medium')
    node = shown['ironic_node']
    try:
        assert cli.value(node, 'resource_class') == 'VALENCE_MEDIUM'
        traits = cli.json('node', 'trait', 'list', node)
        assert sorted(row['traits'] for row in traits) == [
            'CUSTOM_VALENCE_MEMORY_MIB_32768', 'CUSTOM_VALENCE_TOTAL_CORES_8']
    finally:
        retire(cli, node)


def test_retirement_by_cleaning_releases_the_composed_node(cli, emulator):
    shown = compose_enrolled(cli, 'life-retire')
    node, valence_id = shown['ironic_node'], shown['valence_node_id']

    retire_and_release(cli, node)

    assert valence_id not in emulator.node_ids()
    state = cli.json('node', 'show', node, '-c', 'provision_state',
                     '-c', 'retired', '-c', 'last_error')
    assert state == {'provision_state': 'manageable', 'retired': True,
                     'last_error': None}
    history = cli.json('node', 'history', 'list', node, '--long')
    events = [row['event'] for row in history]
    assert any('Valence composed node %s was decomposed' % valence_id in e
               for e in events), events

    def maintenance_reason():
        return cli.json('node', 'show', node, '-c',
                        'maintenance_reason')['maintenance_reason']
    reason = wait_until('%s in maintenance' % node, maintenance_reason,
                        timeout=POWER_SYNC_INTERVAL_S * 2 + 3)
    assert reason == ('Valence composed node %s was released by the '
                      'cleaning of this retired node: delete the Ironic '
                      'node.' % valence_id)
    cli.run('node', 'delete', node)


def test_release_of_a_node_not_retired_is_refused(cli, emulator):
    shown = compose_enrolled(cli, 'life-keep')
    node, valence_id = shown['ironic_node'], shown['valence_node_id']

    stderr = cli.fails('node', 'clean', node, '--clean-steps', RELEASE,
                       '--wait', CLEAN_TIMEOUT_S)

    assert 'clean failed' in stderr
    last_error = cli.value(node, 'last_error')
    assert 'Node %s is not retired' % node in last_error, last_error
    assert 'nothing was done' in last_error
    assert cli.value(node, 'maintenance') == 'True'
    assert valence_id in emulator.node_ids()
    # The command takes the node back from the failed cleaning the Ironic
    # way (maintenance unset, manage), then retires it.
    retire(cli, node)
    assert valence_id not in emulator.node_ids()


def test_unenrolled_lists_only_composed_nodes_no_ironic_node_drives(
        cli, emulator):
    orphan = emulator.compose('life-orphan')
    enrolled = compose_enrolled(cli, 'life-enrolled')
    try:
        rows = cli.json('valence', 'node', 'list', '--unenrolled')

        uuids = [row['UUID'] for row in rows]
        assert orphan in uuids
        assert enrolled['valence_node_id'] not in uuids
        assert all(row['Ironic Node'] is None for row in rows), rows
    finally:
        requests.delete(emulator.url + '/v1/nodes/' + orphan,
                        timeout=10).raise_for_status()
        retire(cli, enrolled['ironic_node'])


def test_what_valence_cannot_do_is_refused_as_the_operator_guide_says(cli):
    # docs/operator-guide.md, "What Valence cannot do".
    shown = compose_enrolled(cli, 'life-unsupported')
    node = shown['ironic_node']
    try:
        for interface, asked, offered in (
                ('boot', 'redfish-virtual-media', "['pxe']"),
                ('bios', 'redfish', "['no-bios']"),
                ('firmware', 'redfish', "['no-firmware']")):
            stderr = cli.fails('node', 'set', node,
                               '--%s-interface' % interface, asked)
            assert 'Valid interfaces are %s' % offered in stderr, stderr
        assert cli.json('node', 'bios', 'setting', 'list', node) == []
        assert cli.json('node', 'firmware', 'list', node) == []
        stderr = cli.fails('node', 'power', 'off', '--soft', node)
        assert ('The driver valence does not support the power state, soft '
                'power off' in stderr), stderr
    finally:
        retire(cli, node)
