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
