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

"""`baremetal valence ...` with real authentication and Ironic's policy.

Ironic runs behind a real Keystone (e2e/identity.py); each CLI is given a
clouds.yaml and nothing else: no service URL, no service token. The admin
is admin on the system; the reader is reader on the system, and
policy.yaml opens the driver's vendor passthru to readers as the operator
guide says, so that readers reach the lists.
"""

import json

import pytest

import stack as e2e_stack


@pytest.fixture(scope='module')
def auth(keystone_stack):
    return keystone_stack


def rows_by_name(cli, *command):
    return {row['Name']: row for row in cli.json(*command)}


def test_clouds_yaml_is_all_the_cli_is_given(auth):
    assert set(auth.cli.env) - set(e2e_stack.clean_environ('OS_')) == {
        'OS_CLIENT_CONFIG_FILE', 'OS_CLOUD'}
    assert auth.token not in (auth.state_dir / 'admin-clouds.yaml'
                              ).read_text()


def test_admin_lists_the_composed_nodes(auth):
    listed = auth.cli.json('valence', 'node', 'list')

    assert sorted(row['UUID'] for row in listed) == sorted(
        auth.emulator.node_ids())


def test_reader_lists_the_composed_nodes_and_flavors(auth):
    listed = auth.reader_cli.json('valence', 'node', 'list')
    flavors = auth.reader_cli.json('valence', 'flavor', 'list')

    assert len(listed) == len(auth.emulator.node_ids())
    assert [f['Name'] for f in flavors] == ['small', 'medium', 'large']


def test_without_credentials_ironic_refuses_the_list(auth):
    anonymous = e2e_stack.Baremetal.noauth(auth.ironic_url, auth.log_dir)

    stderr = anonymous.fails('valence', 'node', 'list')

    assert '401' in stderr or 'Unauthorized' in stderr


def test_reader_is_refused_compose_and_nothing_reaches_valence(auth):
    before = auth.emulator.node_ids()

    stderr = auth.reader_cli.fails('valence', 'node', 'compose', '--name',
                                   'by-reader', '--flavor', 'small')

    assert 'HTTP 403' in stderr
    assert auth.emulator.node_ids() == before
    assert 'by-reader' not in [
        node['Name'] for node in auth.cli.json('node', 'list')]


def test_reader_is_refused_decompose_by_the_plugins_rule(auth):
    before = auth.emulator.node_ids()

    stderr = auth.reader_cli.fails('valence', 'node', 'retire', before[0])

    assert 'HTTP 403' in stderr
    assert 'baremetal:valence:retire' in stderr
    assert auth.emulator.node_ids() == before


def test_reader_is_refused_enroll_by_ironics_own_rule(auth):
    valence_id = auth.emulator.node_ids()[0]
    before = auth.cli.json('node', 'list', '-c', 'UUID')

    with pytest.raises(e2e_stack.CommandFailed) as failed:
        auth.reader_cli.run('valence', 'node', 'enroll', valence_id, '-f',
                            'json')

    # Enrolling is Ironic's node create and manage, under Ironic's rules.
    assert failed.value.result.returncode == 1
    [row] = json.loads(failed.value.result.stdout)
    assert row['Ironic Node'] is None
    assert 'baremetal:node:create' in row['Result']
    assert '(HTTP 403)' in row['Result']
    assert auth.cli.json('node', 'list', '-c', 'UUID') == before


def test_compose_and_retire_are_recorded_in_the_nodes_history(auth):
    cli = auth.cli
    cli.run('valence', 'node', 'compose', '--name', 'auth-1', '--flavor',
            'small', '--enroll')
    valence_id = rows_by_name(cli, 'valence', 'node', 'list')['auth-1'][
        'UUID']

    # Retiring is Ironic's own work, under Ironic's own rules.
    stderr = auth.reader_cli.fails('valence', 'node', 'retire', 'auth-1')
    assert 'baremetal:node:update:retired (HTTP 403)' in stderr
    assert 'is not retired and Valence node %s is not released' % (
        valence_id) in stderr
    assert cli.value('auth-1', 'retired') == 'False'

    cli.run('valence', 'node', 'retire', 'auth-1')

    assert valence_id not in auth.emulator.node_ids()
    history = cli.json('node', 'history', 'list', 'auth-1', '--long')
    events = [(entry['severity'], entry['event_type'], entry['event'])
              for entry in history
              if entry['event_type'] in ('valence', 'cleaning')]
    node = cli.value('auth-1', 'uuid')
    assert events == [
        ('INFO', 'valence', 'Composed Valence node %s named auth-1 from '
         'flavor small; resource class VALENCE_SMALL, traits '
         'CUSTOM_VALENCE_MEMORY_MIB_8192, CUSTOM_VALENCE_TOTAL_CORES_2'
         % valence_id),
        ('INFO', 'valence', 'Drives Valence node %s named auth-1'
         % valence_id),
        ('INFO', 'cleaning', 'Valence composed node %s was decomposed: its '
         'hardware is back in Valence\'s pools. Delete the retired Ironic '
         'node %s next.' % (valence_id, node))]
    users = {entry['user'] for entry in history
             if entry['event_type'] in ('valence', 'cleaning')}
    assert len(users) == 1 and None not in users
