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

import signal

import pytest

import ha_stack
import identity
import stack as e2e_stack


# Set when this session started the high-availability run.
_HA_RAN = pytest.StashKey[bool]()


def _up(running):
    """Yields a started stack; stops it and checks its logs afterwards.

    Once every test has run and every process has stopped, no log may hold
    a bearer token of the run: checked here rather than in a test, so that
    it sees the logs of the whole run (shutdown included) whatever the order
    or the selection of the tests. A token found fails the run as an error
    in the teardown of the last test.
    """
    # The children run in sessions of their own, out of reach of a signal
    # sent to ours: on SIGTERM pytest must unwind as on Ctrl-C, so that the
    # finally below stops them.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        running.start()
        yield running
    finally:
        running.stop()
    secrets = [secret for secret in running.secrets() if secret]
    leaked = [str(log) for log in running.log_files()
              if any(secret in log.read_text(errors='replace')
                     for secret in secrets)]
    assert not leaked, 'a token or password is in %s' % ', '.join(leaked)


@pytest.fixture(scope='session')
def stack():
    """The emulator, the service and Ironic, up for the whole run."""
    e2e_stack.reset_work_dir()
    yield from _up(e2e_stack.Stack())


@pytest.fixture(scope='session')
def keystone_stack():
    """The same three processes, with Ironic behind a real Keystone."""
    e2e_stack.reset_work_dir(identity.KeystoneStack.log_dir,
                             identity.KeystoneStack.state_dir)
    yield from _up(identity.KeystoneStack())


@pytest.fixture(scope='session')
def ha(pytestconfig):
    """The production topology (ha_stack), up for the whole run."""
    ha_stack.reset_work_dir()
    pytestconfig.stash[_HA_RAN] = True
    yield from _up(ha_stack.HaStack())


@pytest.fixture(scope='session')
def cli(stack):
    return stack.cli


@pytest.fixture(scope='session')
def legacy_cli(stack):
    return stack.legacy_cli


@pytest.fixture(scope='session')
def emulator(stack):
    return stack.emulator


@pytest.fixture(scope='session')
def valence_ids(emulator):
    ids = emulator.node_ids()
    assert len(ids) == e2e_stack.EMULATOR_NODE_COUNT, ids
    return ids


@pytest.fixture(scope='session')
def enroll(cli):
    """Creates an Ironic node of the valence driver for a Valence node id."""
    def create(name, valence_node_id):
        node = cli.json('node', 'create', '--driver', 'valence',
                        '--name', name,
                        '--driver-info',
                        'valence_node_id=%s' % valence_node_id)
        return node['uuid']
    return create


@pytest.fixture(scope='session')
def manageable(cli, enroll):
    """Enrolls a node and moves it to manageable, as an operator would."""
    def create(name, valence_node_id):
        node = enroll(name, valence_node_id)
        cli.run('node', 'manage', node, '--wait', '60')
        return node
    return create


def pytest_terminal_summary(terminalreporter, exitstatus):
    terminalreporter.write_line(
        'e2e logs (emulator, service, ironic, baremetal, ironic-cli): %s'
        % e2e_stack.LOG_DIR)
    if terminalreporter.config.stash.get(_HA_RAN, False):
        terminalreporter.write_line(
            'high-availability run: logs in %s; what it measured:'
            % ha_stack.LOG_DIR)
        figures = (ha_stack.FIGURES.read_text().splitlines()
                   if ha_stack.FIGURES.is_file() else ['nothing'])
        for line in figures:
            terminalreporter.write_line('  ' + line)
