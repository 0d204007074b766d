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

"""End to end at pod scale: `baremetal valence node list` of a Valence with
more composed nodes than one page of the service's node list holds.

A second emulator, seeded with POD_NODES composed nodes, a second service
in front of it and a second Ironic (single process, noauth) whose conductor
calls that service run beside the session's stack; the CLI lists the nodes
through that Ironic, as an operator does, and every composed node must be
in its rows exactly once, in the order of node ids. Then a few of them are
enrolled at once, the rows on stdout and the progress on stderr.
"""

import json

import pytest
import requests

from stack import _load_script
from stack import Baremetal
from stack import CLI_TIMEOUT_S
from stack import EMULATOR_JAR
from stack import free_ports
from stack import LOG_DIR
from stack import Process
from stack import processes
from stack import START_TIMEOUT_S
from stack import STATE_DIR
from stack import VENV_BIN
from stack import wait_until

# More than one page of the node list (protocol.NODE_LIST_MAX_LIMIT, 1,000)
# holds, so that the CLI must follow the pages.
POD_NODES = 1500
# Not the session emulator's seed, so that no Ironic node of the session
# drives one of these nodes.
POD_SEED = 18


@pytest.fixture(scope='module')
def pod(stack):
    """The CLI pointed at a service in front of a Valence of POD_NODES."""
    emulator_port, service_port, ironic_port = free_ports(3)
    emulator_url = 'http://127.0.0.1:%d' % emulator_port
    service_url = 'http://127.0.0.1:%d' % service_port
    started = [
        Process('pod-emulator', ['java', '-jar', EMULATOR_JAR], {
            'SERVER_PORT': str(emulator_port),
            'EMULATOR_NODE_COUNT': str(POD_NODES),
            'EMULATOR_SEED': str(POD_SEED),
            'EMULATOR_TRANSITION_DELAY': '0s'}),
        Process('pod-service', processes.service_command(), {
            'SERVER_PORT': str(service_port),
            'VALENCE_URL': emulator_url,
            'VALENCE_DRIVER_TOKEN': stack.token})]

    def spawn(name, argv):
        started.append(Process('pod-' + name, argv))
        return started[-1]

    try:
        started[0].wait_ready(emulator_url + '/')
        started[1].wait_ready(service_url + '/actuator/health')
        # No node is enrolled there: its power sync has nothing to do.
        _, ironic_url = _load_script('ironic_conf').start_single(
            spawn, STATE_DIR.parent / 'pod-state', ironic_port, service_url,
            stack.token, CLI_TIMEOUT_S, bin_dir=VENV_BIN)
        cli = Baremetal.noauth(ironic_url, LOG_DIR)
        wait_until('the pod Ironic listing the valence driver',
                   lambda: any(driver['name'] == 'valence'
                               for driver in cli.json('driver', 'list')),
                   START_TIMEOUT_S)
        yield cli, emulator_url
    finally:
        for process in reversed(started):
            process.stop()


def test_node_list_shows_every_composed_node_of_the_pod_once(pod):
    cli, emulator_url = pod
    composed = [node['uuid'] for node in requests.get(
        emulator_url + '/v1/nodes', timeout=30).json()]
    assert len(composed) == POD_NODES

    rows = cli.json('valence', 'node', 'list')

    listed = [row['UUID'] for row in rows]
    assert listed == sorted(composed)
    assert {row['Composition State'] for row in rows} == {'Assembled'}
    assert {row['Power State'] for row in rows} == {'power off'}
    assert {row['Ironic Node'] for row in rows} == {None}


def test_enroll_of_many_nodes_at_once_keeps_its_rows_apart_from_progress(
        pod):
    cli, emulator_url = pod
    chosen = sorted(node['uuid'] for node in requests.get(
        emulator_url + '/v1/nodes', timeout=30).json())[:5]

    done = cli.run('valence', 'node', 'enroll', *chosen, '--concurrency',
                   '3', '-f', 'json')

    rows = json.loads(done.stdout)
    assert [row['Valence Node'] for row in rows] == chosen
    assert {row['Result'] for row in rows} == {'enrolled (manageable)'}
    assert '5 of 5 Ironic nodes asked to manage are manageable' in (
        done.stderr)
    listed = {row['UUID']: row for row in cli.json('valence', 'node',
                                                   'list')}
    assert {listed[uuid]['Ironic Node'] for uuid in chosen} == {
        row['Ironic Node'] for row in rows}
    assert {listed[uuid]['Provision State'] for uuid in chosen} == {
        'manageable'}

    again = cli.run('valence', 'node', 'enroll', *chosen, '-q', '-f',
                    'json')

    assert {row['Result'] for row in json.loads(again.stdout)} == {
        'already enrolled (manageable)'}
    assert 'composed nodes' not in again.stderr
