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

"""End to end: the `baremetal` CLI (and the legacy `ironic` CLI) -> a real
Ironic with the valence hardware type -> the driver service -> the Valence
emulator.

Each test drives Ironic only through a CLI, as an operator would, and
checks the outcome where the operator would see it: in Ironic's answers, in
the metrics Ironic sends, and in the state of the (emulated) Valence node.
The last ones check that the service runs as it ships, and the script that
lays it out (scripts/service-layout), through that script's command line.
That no log holds the bearer token is checked after the whole run, in the
`stack` fixture.
"""

import ast
import json
import os
from pathlib import Path
import shutil
import subprocess
import uuid

import pytest
import requests

from stack import CommandFailed
from stack import LOG_DIR
from stack import POWER_SYNC_INTERVAL_S
from stack import processes
from stack import wait_until

# Ironic's power actions are asynchronous: the CLI returns at once.
POWER_TIMEOUT_S = 60


def validation(cli, node):
    """`baremetal node validate` as {interface: (result, reason)}."""
    return {row['Interface']: (row['Result'], row['Reason'])
            for row in cli.json('node', 'validate', node)}


def set_power(cli, node, *action):
    """Runs a power command and waits until Ironic has finished it."""
    cli.run('node', *action, node)

    def settled():
        shown = cli.json('node', 'show', node, '-c', 'power_state',
                         '-c', 'target_power_state', '-c', 'last_error')
        return shown if shown['target_power_state'] is None else None
    shown = wait_until('%s settling after %s' % (node, ' '.join(action)),
                       settled, POWER_TIMEOUT_S)
    assert shown['last_error'] is None, shown['last_error']
    return shown['power_state']


def service_metric(stack, series):
    """The value of one series of the service's Prometheus metrics.

    series is the name with its labels, as exposed; 0 when it has none yet.
    """
    response = requests.get(
        stack.service_url + '/actuator/prometheus', timeout=30,
        headers={'Authorization': 'Bearer ' + stack.token})
    response.raise_for_status()
    for line in response.text.splitlines():
        name, _, value = line.rpartition(' ')
        if name == series:
            return float(value)
    return 0.0


def reset_types_since(internal, received_before):
    """The Reset types of the actions a node received after a count."""
    actions = internal['actions']
    new = actions[len(actions) - (internal['actions_received']
                                  - received_before):]
    return [a['body']['Reset']['Type'] for a in new if 'Reset' in a['body']]


@pytest.fixture(scope='module')
def node_a(manageable, valence_ids):
    return manageable('e2e-a', valence_ids[0]), valence_ids[0]


def test_driver_list_shows_valence(cli):
    drivers = cli.json('driver', 'list')

    assert 'valence' in [d['name'] for d in drivers]


def test_test_connection_reports_valence_reachable(stack, cli):
    answer = cli.driver_passthru('valence', 'test_connection')

    assert answer['valence']['reachable'] is True
    assert answer['valence']['url'] == stack.emulator.url
    assert answer['service']['name'] == 'valence-driver-service'


def test_test_connection_reports_why_valence_is_unreachable(stack, cli):
    # Kept to one call: Ironic's power sync meets the same outage meanwhile.
    stack.emulator.set_faults(down=True)
    try:
        answer = cli.driver_passthru('valence', 'test_connection')
    finally:
        stack.emulator.set_faults()

    assert answer['valence']['reachable'] is False
    assert '503' in answer['valence']['error']


def test_validate_passes_power_and_management(cli, enroll, valence_ids):
    node = enroll('e2e-validate', valence_ids[2])

    result = validation(cli, node)

    assert result['power'] == (True, '')
    assert result['management'] == (True, '')
    # Its composed node is the read-ahead test's, which manages its own.
    cli.run('node', 'delete', node)


def test_second_ironic_node_of_a_composed_node_cannot_be_managed(
        cli, enroll, node_a):
    first, valence_id = node_a
    second = enroll('e2e-second', valence_id)
    try:
        ok, reason = validation(cli, second)['power']
        assert ok is False
        assert first in reason

        with pytest.raises(CommandFailed):
            cli.run('node', 'manage', second, '--wait', '60')
        shown = cli.json('node', 'show', second, '-c', 'provision_state',
                         '-c', 'last_error')
        assert shown['provision_state'] == 'enroll'
        assert ('Valence composed node %s is already driven by Ironic '
                'node %s (e2e-a)' % (valence_id, first)
                in shown['last_error'])
        assert validation(cli, first)['power'] == (True, '')
    finally:
        cli.run('node', 'delete', second)


def test_manage_checks_and_records_the_composed_node(cli, emulator, node_a):
    node, valence_id = node_a

    history = cli.json('node', 'history', 'list', node, '--long')

    assert [entry['event'] for entry in history
            if entry['event_type'] == 'valence'] == [
        'Drives Valence node %s named %s'
        % (valence_id, emulator.node(valence_id)['name'])]


def test_manage_reaches_manageable_with_power_state_read(cli, node_a):
    node, _ = node_a

    assert cli.value(node, 'provision_state') == 'manageable'
    assert cli.value(node, 'power_state') in ('power on', 'power off')


def test_inspect_fills_properties_and_ports(cli, emulator, node_a):
    node, valence_id = node_a
    valence_node = emulator.node(valence_id)
    metadata = valence_node['metadata']

    cli.run('node', 'inspect', node, '--wait', '60')

    properties = cli.json('node', 'show', node, '-c', 'properties')[
        'properties']
    assert int(properties['cpus']) == sum(
        p['total_core'] for p in metadata['processor'])
    assert int(properties['memory_mb']) == sum(
        m['total_memory_mb'] for m in metadata['memory'])
    assert properties['cpu_arch'] == 'x86_64'
    ports = cli.json('port', 'list', '--node', node, '-c', 'Address')
    assert sorted(p['address'] for p in ports) == sorted(
        n['mac'].lower() for n in metadata['network'])


def test_inspect_sets_local_gb_from_the_systems_storage(cli, emulator,
                                                        node_a):
    node, valence_id = node_a
    link = emulator.node(valence_id)['computer_system']['@odata.id']
    [system] = emulator.system(link.rsplit('/', 1)[1])

    cli.run('node', 'inspect', node, '--wait', '60')

    properties = cli.json('node', 'show', node, '-c', 'properties')[
        'properties']
    # As Ironic's redfish inspection counts a disk: whole GiB less 1.
    assert int(properties['local_gb']) == int(system['storage']) - 1


def test_inventory_save_returns_the_stored_inventory(cli, emulator, node_a):
    node, valence_id = node_a
    metadata = emulator.node(valence_id)['metadata']
    cli.run('node', 'inspect', node, '--wait', '60')

    # Without --file the CLI prints the stored data as JSON.
    saved = json.loads(cli.run('node', 'inventory', 'save', node).stdout)

    inventory = saved['inventory']
    assert inventory['cpu'] == {
        'count': sum(p['total_core'] for p in metadata['processor']),
        'architecture': 'x86_64'}
    assert inventory['memory'] == {'physical_mb': sum(
        m['total_memory_mb'] for m in metadata['memory'])}
    macs = [n['mac'].lower() for n in metadata['network']]
    assert [i['mac_address'] for i in inventory['interfaces']] == macs
    # The plugin data of Ironic's validate-interfaces hook.
    assert saved['plugin_data']['macs'] == macs


def test_inspection_rule_adds_a_trait(cli, node_a):
    node, _ = node_a
    trait = 'CUSTOM_VALENCE_%s' % uuid.uuid4().hex[:8].upper()
    rule = cli.json(
        'inspection', 'rule', 'create', '--description', 'e2e valence',
        '--conditions', json.dumps([{
            'op': 'matches',
            'args': ['{inventory[cpu][architecture]}', '^x86_64$']}]),
        '--actions', json.dumps([{'op': 'add-trait', 'args': [trait]}]))
    try:
        cli.run('node', 'inspect', node, '--wait', '60')
    finally:
        cli.run('inspection', 'rule', 'delete', rule['uuid'])

    traits = cli.json('node', 'trait', 'list', node)
    assert trait in [t['traits'] for t in traits]


def test_interface_methods_send_metrics_timers(stack, cli, node_a):
    node, _ = node_a
    set_power(cli, node, 'power', 'on')
    cli.json('node', 'boot', 'device', 'show', node)
    cli.run('node', 'inspect', node, '--wait', '60')
    expected = {'ironic_valence.ValencePower.validate',
                'ironic_valence.ValencePower.get_power_state',
                'ironic_valence.ValencePower.set_power_state',
                'ironic_valence.ValenceManagement.get_boot_device',
                'ironic_valence.ValenceInspect.inspect_hardware'}

    # UDP: the last datagrams may still be on their way.
    received = wait_until('statsd timers %s' % sorted(expected),
                          lambda: expected <= set(stack.statsd.timers()),
                          timeout=10)

    assert received


def test_power_on_turns_the_valence_node_on(cli, emulator, node_a):
    node, valence_id = node_a
    set_power(cli, node, 'power', 'off')

    assert set_power(cli, node, 'power', 'on') == 'power on'
    assert emulator.node(valence_id)['node_power_state'] == 'On'


def test_power_off_turns_the_valence_node_off(cli, emulator, node_a):
    node, valence_id = node_a
    set_power(cli, node, 'power', 'on')

    assert set_power(cli, node, 'power', 'off') == 'power off'
    assert emulator.node(valence_id)['node_power_state'] == 'Off'


def test_reboot_forces_off_then_on(cli, emulator, node_a):
    node, valence_id = node_a
    set_power(cli, node, 'power', 'on')
    received_before = emulator.internal(valence_id)['actions_received']

    assert set_power(cli, node, 'reboot') == 'power on'

    internal = emulator.internal(valence_id)
    assert internal['power_state'] == 'On'
    assert reset_types_since(internal, received_before) == ['ForceOff', 'On']


def test_boot_device_set_pxe_is_read_back(cli, emulator, node_a):
    node, valence_id = node_a

    cli.run('node', 'boot', 'device', 'set', node, 'pxe')

    shown = cli.json('node', 'boot', 'device', 'show', node)
    assert shown['boot_device'] == 'pxe'
    assert emulator.node(valence_id)['boot_source'] == 'Pxe'


def test_soft_reboot_sends_graceful_restart(cli, emulator, node_a):
    node, valence_id = node_a
    set_power(cli, node, 'power', 'on')
    received_before = emulator.internal(valence_id)['actions_received']

    assert set_power(cli, node, 'reboot', '--soft') == 'power on'

    internal = emulator.internal(valence_id)
    assert internal['power_state'] == 'On'
    assert reset_types_since(internal, received_before) == ['GracefulRestart']


def test_soft_power_off_is_refused_and_node_stays_on(cli, emulator, node_a):
    node, valence_id = node_a
    set_power(cli, node, 'power', 'on')

    with pytest.raises(CommandFailed) as failed:
        cli.run('node', 'power', 'off', '--soft', node)

    assert 'soft power off' in failed.value.result.stderr
    assert emulator.node(valence_id)['node_power_state'] == 'On'


def test_persistent_disk_boot_device_is_continuous(cli, emulator, node_a):
    node, valence_id = node_a

    cli.run('node', 'boot', 'device', 'set', node, 'disk', '--persistent')

    assert cli.json('node', 'boot', 'device', 'show', node)[
        'boot_device'] == 'disk'
    internal = emulator.internal(valence_id)
    assert (internal['boot_source'], internal['boot_enabled']) == (
        'Hdd', 'Continuous')


def test_supported_boot_devices_are_pxe_and_disk(cli, node_a):
    node, _ = node_a

    shown = cli.json('node', 'boot', 'device', 'show', node, '--supported')

    # The CLI joins the list into one string.
    assert sorted(shown['supported_boot_devices'].split(', ')) == [
        'disk', 'pxe']


def test_node_passthru_shows_the_composed_node(cli, emulator, node_a):
    node, valence_id = node_a

    # The CLI prints a node passthru answer as a Python dict, not JSON.
    printed = cli.run('node', 'passthru', 'call', '--http-method', 'GET',
                      node, 'get_composed_node').stdout
    composed = ast.literal_eval(printed.strip())

    assert composed['node_id'] == valence_id
    assert composed['name'] == emulator.node(valence_id)['name']


def test_ironic_request_id_reaches_the_service_log(stack, cli, node_a):
    node, _ = node_a
    set_power(cli, node, 'power', 'off')

    response = stack.ironic_api('PUT', '/v1/nodes/%s/states/power' % node,
                                {'target': 'power on'})
    request_id = response.headers['X-OpenStack-Request-Id']
    wait_until('%s powered on' % node,
               lambda: cli.value(node, 'power_state') == 'power on',
               POWER_TIMEOUT_S, interval=1)

    service_log = (LOG_DIR / 'service.log').read_text(errors='replace')
    assert 'request_id=%s' % request_id in service_log


def test_out_of_band_power_change_is_picked_up_by_sync(cli, emulator,
                                                       manageable,
                                                       valence_ids):
    valence_id = valence_ids[1]
    node = manageable('e2e-sync', valence_id)
    assert set_power(cli, node, 'power', 'on') == 'power on'

    emulator.set_power(valence_id, 'Off')

    wait_until('Ironic recording the out-of-band power off',
               lambda: cli.value(node, 'power_state') == 'power off',
               timeout=POWER_SYNC_INTERVAL_S * 15, interval=1)
    assert emulator.node(valence_id)['node_power_state'] == 'Off'


def test_power_sync_reads_ahead_in_batches(stack, manageable, node_a,
                                           valence_ids):
    # Two nodes the sync reads (node_a's Valence node and one no other
    # synced node shares): enough for a read of one to bring the other.
    manageable('e2e-batch', valence_ids[2])

    def answered_from_batches():
        hits = stack.statsd.counters()['ironic_valence.ReadAhead.hit']
        return hits >= 2 and service_metric(
            stack, 'valence_power_reads_total{outcome="ok"}') >= 2
    wait_until('the sync answered from batches of the service',
               answered_from_batches,
               timeout=POWER_SYNC_INTERVAL_S * 15, interval=1)


def test_path_like_valence_node_id_fails_validate(cli, enroll):
    node = enroll('e2e-traversal', '../pod_managers')

    result = validation(cli, node)

    for interface in ('power', 'management'):
        ok, reason = result[interface]
        assert ok is False
        assert 'valence_node_id' in reason


def test_unknown_valence_node_fails_manage(cli, enroll):
    missing = str(uuid.uuid4())
    node = enroll('e2e-missing', missing)

    with pytest.raises(CommandFailed):
        cli.run('node', 'manage', node, '--wait', '60')

    shown = cli.json('node', 'show', node, '-c', 'provision_state',
                     '-c', 'last_error')
    assert shown['provision_state'] == 'enroll'
    assert 'not found' in shown['last_error'].lower()
    assert missing in shown['last_error']


def test_vanished_composed_node_is_maintenance_until_it_is_back(
        cli, emulator, manageable):
    valence_id = emulator.compose('e2e-vanishing')
    node = manageable('e2e-vanishing', valence_id)

    def maintenance():
        shown = cli.json('node', 'show', node, '-c', 'maintenance',
                         '-c', 'maintenance_reason', '-c', 'fault')
        return shown if shown['maintenance'] else None

    index = emulator.forget(valence_id)
    # Two cycles: the one under way may have read the node already.
    shown = wait_until('%s in maintenance' % node, maintenance,
                       timeout=POWER_SYNC_INTERVAL_S * 2 + 3, interval=0.5)
    assert shown['fault'] == 'power failure'
    assert shown['maintenance_reason'].startswith(
        'Valence composed node %s is gone: Valence does not know it '
        '(NODE_NOT_FOUND)' % valence_id), shown['maintenance_reason']

    assert emulator.manage(index) == valence_id
    wait_until('%s out of maintenance' % node,
               lambda: maintenance() is None,
               timeout=POWER_SYNC_INTERVAL_S * 2 + 3, interval=0.5)
    assert cli.json('node', 'show', node, '-c', 'fault')['fault'] is None


# The legacy `ironic` CLI (python-ironicclient 2.8.0), the commands the
# driver was first documented with. `--json` makes it print JSON; the
# passthru commands print the answer as a Python dict.

@pytest.fixture(scope='module')
def legacy_node(legacy_cli, valence_ids):
    valence_id = valence_ids[3]
    node = legacy_cli.json('node-create', '-d', 'valence', '-n',
                           'e2e-legacy', '-i',
                           'valence_node_id=%s' % valence_id)['uuid']
    legacy_cli.run('node-set-provision-state', node, 'manage')
    wait_until('%s manageable' % node,
               lambda: legacy_cli.json('node-show', node, '--fields',
                                       'provision_state')[
                                           'provision_state'] == 'manageable',
               POWER_TIMEOUT_S, interval=1)
    return node, valence_id


def legacy_set_power(legacy_cli, node, state):
    legacy_cli.run('node-set-power-state', node, state)

    def settled():
        shown = legacy_cli.json('node-show', node, '--fields', 'power_state',
                                'target_power_state', 'last_error')
        return shown if shown['target_power_state'] is None else None
    shown = wait_until('%s settling after power %s' % (node, state),
                       settled, POWER_TIMEOUT_S)
    assert shown['last_error'] is None, shown['last_error']
    return shown['power_state']


def test_legacy_driver_list(legacy_cli):
    drivers = legacy_cli.json('driver-list')

    assert 'valence' in [d['name'] for d in drivers]


def test_legacy_test_connection_prints_the_answer(stack, legacy_cli):
    printed = legacy_cli.run('driver-vendor-passthru', 'valence',
                             'test_connection').stdout
    answer = ast.literal_eval(printed.strip())

    assert answer['valence']['reachable'] is True
    assert answer['valence']['url'] == stack.emulator.url


def test_legacy_node_create_and_validate(legacy_cli, legacy_node):
    node, valence_id = legacy_node

    shown = legacy_cli.json('node-show', node, '--fields', 'driver',
                            'driver_info')
    result = {row['interface']: row['result']
              for row in legacy_cli.json('node-validate', node)}

    assert shown == {'driver': 'valence',
                     'driver_info': {'valence_node_id': valence_id}}
    assert result['power'] is True
    assert result['management'] is True


def test_legacy_power_on_and_off(legacy_cli, emulator, legacy_node):
    node, valence_id = legacy_node

    assert legacy_set_power(legacy_cli, node, 'on') == 'power on'
    assert emulator.node(valence_id)['node_power_state'] == 'On'
    assert legacy_set_power(legacy_cli, node, 'off') == 'power off'
    assert emulator.node(valence_id)['node_power_state'] == 'Off'


def test_legacy_boot_device_set_and_get(legacy_cli, emulator, legacy_node):
    node, valence_id = legacy_node

    legacy_cli.run('node-set-boot-device', node, 'pxe')

    assert legacy_cli.json('node-get-boot-device', node) == {
        'boot_device': 'pxe', 'persistent': None}
    assert emulator.node(valence_id)['boot_source'] == 'Pxe'


def test_legacy_node_vendor_passthru_prints_the_composed_node(
        legacy_cli, emulator, legacy_node):
    node, valence_id = legacy_node

    # The legacy CLI sends POST unless told otherwise; the method is GET.
    printed = legacy_cli.run('node-vendor-passthru', '--http-method', 'GET',
                             node, 'get_composed_node').stdout
    composed = ast.literal_eval(printed.strip())

    assert composed['node_id'] == valence_id
    assert composed['name'] == emulator.node(valence_id)['name']


# The composed-node lifecycle: `baremetal valence ...`. These run last: the
# enroll --all below also enrolls the seeded nodes that no test above did.

def valence_rows(cli):
    return {row['Name']: row
            for row in cli.json('valence', 'node', 'list')}


@pytest.fixture(scope='module')
def composed_web(cli):
    """web-1 composed, enrolled, inspected and provided in one command."""
    result = cli.run('valence', 'node', 'compose', '--name', 'web-1',
                     '--flavor', 'small', '--inspect', '--provide',
                     '--wait', '120', '-f', 'json')
    return json.loads(result.stdout), result.stderr


def test_valence_flavor_list_shows_the_emulators_flavors(cli):
    flavors = cli.json('valence', 'flavor', 'list')

    assert [f['Name'] for f in flavors] == ['small', 'medium', 'large']
    assert flavors[0]['Cores'] == 2 and flavors[0]['Memory MiB'] == 8192


def test_compose_enroll_inspect_provide_ends_available(cli, emulator,
                                                       composed_web):
    shown, steps = composed_web
    node = shown['ironic_node']

    assert shown['provision_state'] == 'available'
    assert cli.value(node, 'provision_state') == 'available'
    assert cli.value(node, 'driver') == 'valence'
    assert cli.value(node, 'name') == 'web-1'
    valence_node = emulator.node(shown['valence_node_id'])
    assert valence_node['node_state'] == 'Assembled'
    ports = cli.json('port', 'list', '--node', node, '-c', 'Address')
    assert sorted(p['address'] for p in ports) == sorted(
        n['mac'].lower() for n in valence_node['metadata']['network'])
    for step in ('Composed Valence node', 'manageable (verified)',
                 'manageable (inspected)', 'available (provided)'):
        assert step in steps


def test_compose_again_is_idempotent_on_the_name(cli, emulator,
                                                 composed_web):
    shown, _ = composed_web
    before = emulator.node_ids()

    result = cli.run('valence', 'node', 'compose', '--name', 'web-1',
                     '--flavor', 'small', '--inspect', '--provide', '-f',
                     'json')

    assert json.loads(result.stdout) == shown
    assert 'already composed' in result.stderr
    assert 'already available: not inspected again' in result.stderr
    assert 'not manageable' not in result.stderr
    assert emulator.node_ids() == before


def test_valence_node_list_shows_the_ironic_node(cli, composed_web):
    shown, _ = composed_web

    row = valence_rows(cli)['web-1']

    assert row['UUID'] == shown['valence_node_id']
    assert row['Composition State'] == 'Assembled'
    assert row['Ironic Node'] == shown['ironic_node']
    assert row['Provision State'] == 'available'


def test_enroll_all_picks_up_nodes_composed_behind_ironics_back(
        cli, emulator, composed_web):
    shown, _ = composed_web
    outside = emulator.compose('oob-1')

    rows = {row['Valence Node']: row
            for row in cli.json('valence', 'node', 'enroll', '--all')}

    assert rows[outside]['Result'] == 'enrolled (manageable)'
    assert cli.value(rows[outside]['Ironic Node'],
                     'provision_state') == 'manageable'
    assert rows[shown['valence_node_id']]['Result'] == (
        'already enrolled (available)')
    again = cli.json('valence', 'node', 'enroll', '--all')
    assert all(row['Result'].startswith('already enrolled')
               for row in again)


def test_enroll_all_manages_the_node_a_cut_short_run_left_in_enroll(
        cli, emulator):
    # What a run killed between its create and its manage leaves.
    composed = emulator.compose('cut-1')
    left = cli.json('node', 'create', '--driver', 'valence', '--driver-info',
                    'valence_node_id=%s' % composed)['uuid']

    rows = {row['Valence Node']: row
            for row in cli.json('valence', 'node', 'enroll', '--all')}

    assert rows[composed]['Ironic Node'] == left
    assert rows[composed]['Result'] == 'enrolled (manageable)'
    assert cli.value(left, 'provision_state') == 'manageable'
    nodes = cli.json('node', 'list', '--driver', 'valence', '--fields',
                     'uuid', 'driver_info')
    assert [node['uuid'] for node in nodes
            if node['driver_info'].get('valence_node_id') == composed
            ] == [left]


def test_compose_of_an_unknown_flavor_says_so(cli, emulator):
    before = emulator.node_ids()

    stderr = cli.fails('valence', 'node', 'compose', '--name', 'web-2',
                       '--flavor', 'huge', '--enroll')

    assert 'FLAVOR_NOT_FOUND' in stderr and "'huge'" in stderr
    assert emulator.node_ids() == before


def test_compose_the_pod_cannot_allocate_says_so(cli, emulator):
    before = emulator.node_ids()
    emulator.set_allocation_fails(True)
    try:
        stderr = cli.fails('valence', 'node', 'compose', '--name', 'web-2',
                           '--flavor', 'medium', '--enroll')
    finally:
        emulator.set_allocation_fails(False)

    assert 'COMPOSITION_FAILED' in stderr
    assert 'could not allocate' in stderr
    assert emulator.node_ids() == before


def test_service_refuses_a_name_already_composed(stack, composed_web):
    shown, _ = composed_web

    response = requests.post(
        stack.service_url + '/v1/nodes', timeout=30,
        headers={'Authorization': 'Bearer ' + stack.token},
        json={'name': 'web-1', 'flavor': 'small'})

    assert response.status_code == 409
    assert response.json()['code'] == 'NAME_IN_USE'
    assert response.json()['node_id'] == shown['valence_node_id']


def compose_manageable(cli, name):
    """Composes and enrolls a node; :returns: its Valence node uuid."""
    cli.run('valence', 'node', 'compose', '--name', name, '--flavor',
            'small', '--enroll')
    return valence_rows(cli)[name]['UUID']


def test_retire_removes_both_halves(cli, emulator):
    valence_id = compose_manageable(cli, 'old-1')

    result = cli.run('valence', 'node', 'retire', 'old-1', '--delete')

    assert 'Ironic node' in result.stderr and 'is retired' in result.stderr
    assert 'Valence node %s is released by the cleaning' % (
        valence_id) in result.stderr
    assert 'Deleted Ironic node' in result.stderr
    assert 'old-1' not in valence_rows(cli)
    with pytest.raises(CommandFailed):
        cli.run('node', 'show', 'old-1')
    assert valence_id not in emulator.node_ids()


def test_retire_of_an_available_node_keeps_it_retired_with_its_history(
        cli, emulator):
    valence_id = compose_manageable(cli, 'old-3')
    cli.run('node', 'provide', 'old-3', '--wait', '60')

    cli.run('valence', 'node', 'retire', 'old-3', '--reason', 'end of life')

    assert valence_id not in emulator.node_ids()
    shown = cli.json('node', 'show', 'old-3', '-c', 'retired', '-c',
                     'retired_reason', '-c', 'provision_state', '-c',
                     'last_error')
    assert shown == {'retired': True, 'retired_reason': 'end of life',
                     'provision_state': 'manageable', 'last_error': None}
    events = [entry['event'] for entry in cli.json(
        'node', 'history', 'list', 'old-3')]
    assert any(event.startswith('Composed Valence node %s' % valence_id)
               for event in events), events
    assert any(event.startswith('Valence composed node %s was decomposed'
                                % valence_id) for event in events), events


def adopt(cli, node):
    """Makes a manageable node active without deploying it.

    Ironic's adoption of a node already running a workload: the direct
    deploy's take-over only sets the boot device, which Valence can.
    """
    cli.run('node', 'adopt', node, '--wait', '60')


def test_retire_of_an_active_node_is_refused_and_changes_nothing(
        cli, emulator):
    valence_id = compose_manageable(cli, 'old-4')
    adopt(cli, 'old-4')

    stderr = cli.fails('valence', 'node', 'retire', 'old-4', '--delete')

    assert 'is active: it may be serving a workload' in stderr
    assert 'nothing was done' in stderr
    assert valence_id in emulator.node_ids()
    assert cli.json('node', 'show', 'old-4', '-c', 'provision_state', '-c',
                    'retired') == {'provision_state': 'active',
                                   'retired': False}
    cli.run('node', 'undeploy', 'old-4', '--wait', '60')
    cli.run('valence', 'node', 'retire', 'old-4', '--delete')
    assert valence_id not in emulator.node_ids()


def test_retire_with_valence_down_says_which_half_stands(cli, emulator):
    valence_id = compose_manageable(cli, 'old-2')
    emulator.set_faults(down=True)
    try:
        stderr = cli.fails('valence', 'node', 'retire', 'old-2',
                           '--delete')
    finally:
        emulator.set_faults()

    node = cli.value('old-2', 'uuid')
    assert ('Ironic node %s is retired, but Valence node %s is not known '
            'to be released' % (node, valence_id)) in stderr
    # Ironic's last_error, from the clean step.
    assert 'Releasing Valence composed node %s' % valence_id in stderr
    assert ('"baremetal valence node retire %s --delete" finishes it'
            % node) in stderr
    assert valence_id in emulator.node_ids()
    assert cli.json('node', 'show', 'old-2', '-c', 'provision_state', '-c',
                    'retired') == {'provision_state': 'clean failed',
                                   'retired': True}

    result = cli.run('valence', 'node', 'retire', 'old-2', '--delete')

    assert 'is out of maintenance' in result.stderr
    assert ('already retired (retired with baremetal valence node retire)'
            in result.stderr)
    assert valence_id not in emulator.node_ids()
    with pytest.raises(CommandFailed):
        cli.run('node', 'show', 'old-2')


def test_retire_of_what_neither_has_says_nothing_was_done(cli, emulator):
    before = emulator.node_ids()

    stderr = cli.fails('valence', 'node', 'retire', 'nope')

    assert 'Valence has no composed node nope' in stderr
    assert 'nothing was done' in stderr
    assert 'again' not in stderr
    assert emulator.node_ids() == before


# The service as it ships (scripts/service-layout).

LAYOUT_SCRIPT = processes.ROOT / 'scripts' / 'service-layout'


def lay_out(*args, java=None):
    env = dict(os.environ, SERVICE_JAVA=java) if java else None
    return subprocess.run([LAYOUT_SCRIPT, *args], capture_output=True,
                          text=True, timeout=processes.LAYOUT_TIMEOUT_S,
                          env=env)


def java_release(java):
    shown = subprocess.run([java, '-XshowSettings:properties', '-version'],
                           capture_output=True, text=True, timeout=60).stderr
    prefix = 'java.specification.version = '
    return int(next(line.strip()[len(prefix):] for line in shown.splitlines()
                    if line.strip().startswith(prefix)))


def archive_of(layout):
    """The archive a layout's launch.args names.

    An AOT cache on Java 25 or later, a class-data sharing archive before.
    """
    first = (layout / 'launch.args').read_text().splitlines()[0]
    flag, _, path = first.partition('=')
    assert flag in ('-XX:AOTCache', '-XX:SharedArchiveFile'), first
    return Path(path)


def test_service_runs_with_its_archive_of_loaded_classes(stack):
    # A JVM refuses an archive that does not match its jar or its options
    # with a warning alone and starts without it: only the mapping shows
    # that the archive was used.
    archive = str(archive_of(processes.SERVICE_LAYOUT))
    with open('/proc/%d/maps' % stack.service_pid) as maps:
        assert archive in maps.read()


@pytest.mark.parametrize('missing', ['jar', 'options'])
def test_service_layout_names_a_missing_input_and_makes_nothing(tmp_path,
                                                                missing):
    given = {'jar': processes.SERVICE_JAR,
             'options': processes.SERVICE_JVM_OPTIONS}
    given[missing] = tmp_path / 'absent'
    layout = tmp_path / 'layout'
    result = lay_out(given['jar'], given['options'], layout)
    assert result.returncode == 1
    assert result.stderr.startswith('%s: no such' % given[missing])
    assert result.stdout == ''
    assert not layout.exists()


def test_service_layout_without_a_directory_prints_its_usage():
    result = lay_out(processes.SERVICE_JAR, processes.SERVICE_JVM_OPTIONS)
    assert result.returncode == 2
    assert 'usage:' in result.stderr
    assert result.stdout == ''


def test_service_layout_is_made_again_for_a_newer_jar_only(tmp_path):
    jar = tmp_path / 'valence-driver-service.jar'
    shutil.copy2(processes.SERVICE_JAR, jar)
    layout = tmp_path / 'layout'
    made = lay_out(jar, processes.SERVICE_JVM_OPTIONS, layout, '-Dx=1')
    assert made.returncode == 0, made.stderr
    printed = made.stdout.splitlines()
    assert printed[1:] == [
        '@%s' % processes.SERVICE_JVM_OPTIONS, '-Dx=1',
        '@%s' % (layout / 'launch.args')]
    archive = archive_of(layout)
    assert archive.parent == layout
    assert (layout / 'launch.args').read_text().splitlines()[1:] == [
        '-jar', str(layout / 'app' / jar.name)]
    archived = archive.stat().st_mtime_ns

    again = lay_out(jar, processes.SERVICE_JVM_OPTIONS, layout)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ''
    assert archive.stat().st_mtime_ns == archived

    newer = archived + 10 ** 9
    os.utime(jar, ns=(newer, newer))
    remade = lay_out(jar, processes.SERVICE_JVM_OPTIONS, layout)
    assert remade.returncode == 0, remade.stderr
    assert 'making %s' % layout in remade.stderr
    assert archive.stat().st_mtime_ns > archived


def test_service_layout_runs_on_the_java_it_is_given(tmp_path):
    java = shutil.which('java')
    layout = tmp_path / 'layout'
    made = lay_out(processes.SERVICE_JAR, processes.SERVICE_JVM_OPTIONS,
                   layout, java=java)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0] == java
    flag = ('-XX:AOTCache' if java_release(java) >= 25
            else '-XX:SharedArchiveFile')
    assert (layout / 'launch.args').read_text().startswith(flag + '=')
    assert archive_of(layout).is_file()


def test_service_layout_refuses_a_java_that_is_not_one(tmp_path):
    layout = tmp_path / 'layout'
    no_java = tmp_path / 'no-java'
    result = lay_out(processes.SERVICE_JAR, processes.SERVICE_JVM_OPTIONS,
                     layout, java=str(no_java))
    assert result.returncode == 1
    assert result.stderr == '%s: not a java launcher\n' % no_java
    assert result.stdout == ''
    assert not layout.exists()
