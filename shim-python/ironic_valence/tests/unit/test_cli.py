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

"""The baremetal valence commands, with Ironic's client faked.

The commands talk to Ironic alone: its node API and the valence driver's
vendor passthru. The e2e run drives them through a real Ironic, with and
without Keystone.
"""

import threading
import time
import types
from unittest import mock

from ironicclient import exc as ironic_exc
from osc_lib import exceptions
import pytest

from ironic_valence import cli
from ironic_valence import passthru

VN = '9b1f0c2e-5a4d-4e3b-8c7a-6d5e4f3a2b1c'
IRONIC_UUID = '1be26c0b-03f2-4d2e-ae87-c02d7f33c123'


def composed(name='web-1', state='Assembled', node_id=VN):
    return {'node_id': node_id, 'name': name, 'index': '7',
            'composition_state': state, 'power_state': 'power off'}


def ironic_node(state='enroll', node_id=VN, driver='valence'):
    driver_info = {'valence_node_id': node_id} if node_id else {}
    return types.SimpleNamespace(uuid=IRONIC_UUID, name='web-1',
                                 provision_state=state, driver=driver,
                                 driver_info=driver_info)


def entry(event, severity='INFO', uuid='h1'):
    return {'uuid': uuid, 'event': event, 'severity': severity,
            'event_type': passthru.HISTORY_EVENT_TYPE}


class FakeIronic(object):
    """Ironic's client: the valence driver's answers and Ironic's nodes."""

    def __init__(self):
        self.composed = []
        self.flavors = []
        self.driver_calls = []
        self.history = []
        # What the conductor records for a composition: set by a test.
        self.outcome = None
        # Ironic's nodes, oldest first.
        self.nodes = []
        # The uuids of the nodes Ironic creates, in turn (then IRONIC_UUID).
        self.new_uuids = []
        # The provision state a manage leads to, by node (else manageable).
        self.managed_to = {}
        self.node = mock.Mock()
        self.node.list.side_effect = self._list
        self.node.get.side_effect = ironic_exc.NotFound()
        self.node.create.side_effect = self._create
        self.node.set_provision_state.side_effect = self._set_state
        self.node.get_history_list.side_effect = (
            lambda node, **kwargs: list(self.history))
        self.node.vendor_passthru.side_effect = self._node_passthru
        self.driver = mock.Mock()
        self.driver.vendor_passthru.side_effect = self._driver_passthru

    def _driver_passthru(self, driver, method, args=None, http_method=None):
        assert driver == 'valence'
        self.driver_calls.append((method, http_method, args))
        answers = {passthru.LIST_COMPOSED_NODES: {'nodes': self.composed},
                   passthru.LIST_FLAVORS: {'flavors': self.flavors}}
        answer = answers.get(method)
        return (types.SimpleNamespace(to_dict=lambda: answer)
                if answer is not None else None)

    def _list(self, driver=None, provision_state=None, **kwargs):
        return [node for node in self.nodes
                if driver in (None, node.driver)
                and provision_state in (None, node.provision_state)]

    def _create(self, driver, name=None, driver_info=None):
        node = ironic_node(node_id=None, driver=driver)
        node.name = name
        node.driver_info = dict(driver_info or {})
        valence_id = node.driver_info.get('valence_node_id', '')
        if self.new_uuids:
            node.uuid = self.new_uuids.pop(0)
        elif valence_id.startswith('vn-'):
            node.uuid = 'ironic-' + valence_id[len('vn-'):]
        self.nodes.append(node)
        return node

    def add_driver_info(self, uuid, patch):
        """node.update() of a node's driver_info, as enroll makes it."""
        [node] = [node for node in self.nodes if node.uuid == uuid]
        for change in patch:
            assert change['op'] == 'add'
            assert change['path'] == '/driver_info/valence_node_id'
            node.driver_info['valence_node_id'] = change['value']
        return node

    def _set_state(self, uuid, verb, **kwargs):
        for node in self.nodes:
            if node.uuid == uuid:
                node.provision_state, node.last_error = self.managed_to.get(
                    uuid, ('manageable', None))

    def _node_passthru(self, node, method, args=None, http_method=None):
        if method == passthru.COMPOSE and self.outcome is not None:
            self.history.append(self.outcome)
            if self.outcome['severity'] == 'INFO':
                self.composed.append(composed(args['name']))
                self.node.get.side_effect = None
                self.node.get.return_value = ironic_node()


@pytest.fixture
def ironic():
    return FakeIronic()


def app_of(ironic, verbose_level=1):
    """cliff's app, with the verbose level -q (0) or -v (2) sets."""
    app = mock.Mock()
    app.client_manager.baremetal = ironic
    app.options.verbose_level = verbose_level
    return app


def run(command_class, ironic, argv, verbose_level=1):
    command = command_class(app_of(ironic, verbose_level), None)
    parsed = command.get_parser('baremetal').parse_args(argv)
    return command.take_action(parsed)


def test_the_service_url_and_token_are_no_options_any_more(ironic):
    with pytest.raises(SystemExit):
        run(cli.ListValenceFlavor, ironic, ['--valence-driver-token', 'x'])


# list commands

def test_node_list_shows_the_ironic_node_driving_each(ironic):
    ironic.composed = [composed(), composed('db-1', node_id='other')]
    ironic.nodes = [ironic_node('available')]

    columns, rows = run(cli.ListValenceNode, ironic, [])

    assert columns == ('UUID', 'Name', 'Composition State', 'Power State',
                       'Ironic Node', 'Provision State')
    assert rows == [
        (VN, 'web-1', 'Assembled', 'power off', IRONIC_UUID, 'available'),
        ('other', 'db-1', 'Assembled', 'power off', None, None)]
    assert ironic.driver_calls == [('list_composed_nodes', 'GET', None)]
    assert ironic.node.list.call_args.kwargs['driver'] == 'valence'


def test_node_list_says_how_many_on_stderr_unless_quiet(ironic, capsys):
    ironic.composed = [composed(), composed('db-1', node_id='other')]

    run(cli.ListValenceNode, ironic, [])

    out, err = capsys.readouterr()
    assert out == ''
    assert err.startswith('2 composed nodes read in ')

    run(cli.ListValenceNode, ironic, [], verbose_level=0)
    assert capsys.readouterr() == ('', '')


def test_compose_says_it_waits_and_quiet_silences_it(ironic, capsys):
    ironic.history = []
    with mock.patch.object(cli, 'PROGRESS_INTERVAL_SECONDS', 0), \
            mock.patch.object(cli.time, 'sleep', autospec=True):
        with pytest.raises(exceptions.CommandError):
            cli._outcome(ironic, IRONIC_UUID, set(), 2,
                         cli._Progress(app_of(ironic)))
        assert 'Waiting for the composition of Ironic node %s' % (
            IRONIC_UUID) in capsys.readouterr().err
        with pytest.raises(exceptions.CommandError):
            cli._outcome(ironic, IRONIC_UUID, set(), 2,
                         cli._Progress(app_of(ironic, 0)))
        assert capsys.readouterr() == ('', '')


def test_node_list_shows_the_older_of_two_ironic_nodes(ironic):
    ironic.composed = [composed()]
    newer = ironic_node('enroll')
    newer.uuid = 'newer-node'
    ironic.nodes = [ironic_node('available'), newer]

    _, rows = run(cli.ListValenceNode, ironic, [])

    assert rows == [
        (VN, 'web-1', 'Assembled', 'power off', IRONIC_UUID, 'available')]


def test_node_list_unenrolled_shows_only_nodes_no_ironic_node_drives(
        ironic):
    ironic.composed = [composed(), composed('db-1', node_id='other')]
    ironic.nodes = [ironic_node('available')]

    _, rows = run(cli.ListValenceNode, ironic, ['--unenrolled'])

    assert rows == [('other', 'db-1', 'Assembled', 'power off', None, None)]


def test_node_list_refused_by_ironic_says_so(ironic):
    ironic.driver.vendor_passthru.side_effect = ironic_exc.Forbidden(
        'Access was denied to baremetal:valence:list_nodes')

    with pytest.raises(exceptions.CommandError,
                       match='Listing the composed nodes failed: .*denied'):
        run(cli.ListValenceNode, ironic, [])


def test_flavor_list(ironic):
    ironic.flavors = [{'flavor_id': 'f1', 'name': 'small',
                       'description': '2 cores', 'total_cores': 2,
                       'memory_mib': 8192}]

    columns, rows = run(cli.ListValenceFlavor, ironic, [])

    assert rows == [('f1', 'small', '2 cores', 2, 8192)]
    assert ironic.driver_calls == [('list_flavors', 'GET', None)]


# compose

def test_compose_makes_the_ironic_node_then_composes_for_it(ironic, capsys):
    ironic.outcome = entry('Composed Valence node %s named web-1' % VN)

    columns, values = run(cli.ComposeValenceNode, ironic,
                          ['--name', 'web-1', '--flavor', 'small',
                           '--timeout', '30', '--description', 'web'])

    result = dict(zip(columns, values))
    assert result['valence_node_id'] == VN
    assert result['ironic_node'] == IRONIC_UUID
    assert result['provision_state'] == 'enroll'
    ironic.node.create.assert_called_once_with(driver='valence',
                                               name='web-1', driver_info={})
    ironic.node.vendor_passthru.assert_called_once_with(
        IRONIC_UUID, 'compose', http_method='POST',
        args={'name': 'web-1', 'flavor': 'small', 'timeout': 30,
              'description': 'web'})
    ironic.node.set_provision_state.assert_not_called()
    assert 'Composed Valence node %s' % VN in capsys.readouterr().err


def test_compose_enroll_inspect_provide_does_each_step(ironic):
    ironic.outcome = entry('Composed Valence node %s named web-1' % VN)

    columns, values = run(cli.ComposeValenceNode, ironic,
                          ['--name', 'web-1', '--flavor', 'small',
                           '--inspect', '--provide'])

    assert dict(zip(columns, values))['provision_state'] == 'available'
    assert [c.args[1] for c in
            ironic.node.set_provision_state.call_args_list] == [
        'manage', 'inspect', 'provide']


def test_compose_that_failed_says_what_the_history_says(ironic):
    ironic.outcome = entry('Composing web-1 from flavor huge failed: '
                           'FLAVOR_NOT_FOUND', severity='ERROR')

    with pytest.raises(exceptions.CommandError,
                       match='failed: FLAVOR_NOT_FOUND'):
        run(cli.ComposeValenceNode, ironic,
            ['--name', 'web-1', '--flavor', 'huge', '--enroll'])

    ironic.node.set_provision_state.assert_not_called()


def test_compose_reads_only_outcomes_recorded_after_its_call(ironic):
    old = entry('Composing web-1 failed: earlier', severity='ERROR',
                uuid='old')
    ironic.history = [old, dict(old, uuid='other', event_type='deploy')]
    ironic.outcome = entry('Composed Valence node %s named web-1' % VN)

    columns, values = run(cli.ComposeValenceNode, ironic,
                          ['--name', 'web-1', '--flavor', 'small'])

    assert dict(zip(columns, values))['valence_node_id'] == VN


def test_compose_without_an_outcome_in_time_gives_up(ironic, monkeypatch):
    monkeypatch.setattr(cli, 'COMPOSE_WAIT_MARGIN_SECONDS', 0)
    monkeypatch.setattr(cli, 'POLL_INTERVAL_SECONDS', 0.01)

    with pytest.raises(exceptions.CommandError,
                       match='recorded no outcome of the composition within'
                             ' 1 s'):
        run(cli.ComposeValenceNode, ironic,
            ['--name', 'web-1', '--flavor', 'small', '--timeout', '1'])


def test_compose_uses_the_ironic_node_of_that_name_that_drives_nothing(
        ironic, capsys):
    ironic.node.get.side_effect = None
    ironic.node.get.return_value = ironic_node(node_id=None)
    ironic.outcome = entry('Composed Valence node %s named web-1' % VN)

    run(cli.ComposeValenceNode, ironic, ['--name', 'web-1', '--flavor',
                                         'small'])

    ironic.node.create.assert_not_called()
    assert 'Using Ironic node %s named web-1' % IRONIC_UUID in (
        capsys.readouterr().err)


def test_compose_is_idempotent_on_the_name(ironic, capsys):
    ironic.composed = [composed()]
    ironic.nodes = [ironic_node('available')]

    columns, values = run(cli.ComposeValenceNode, ironic,
                          ['--name', 'web-1', '--flavor', 'small',
                           '--inspect', '--provide'])

    assert dict(zip(columns, values))['provision_state'] == 'available'
    ironic.node.vendor_passthru.assert_not_called()
    ironic.node.set_provision_state.assert_not_called()
    steps = capsys.readouterr().err
    assert 'already available: not inspected again' in steps
    assert 'already available: not provided again' in steps


def test_compose_of_a_name_not_yet_assembled_stops(ironic):
    ironic.composed = [composed(state='Allocating')]

    with pytest.raises(exceptions.CommandError, match='is Allocating'):
        run(cli.ComposeValenceNode, ironic, ['--name', 'web-1', '--flavor',
                                             'small'])

    ironic.node.vendor_passthru.assert_not_called()


def test_compose_refused_by_ironic_says_so(ironic):
    ironic.node.create.side_effect = ironic_exc.Forbidden(
        'baremetal:node:create')

    with pytest.raises(exceptions.CommandError,
                       match='Ironic refused the call: .*node:create'):
        run(cli.ComposeValenceNode, ironic, ['--name', 'web-1', '--flavor',
                                             'small'])

    ironic.node.vendor_passthru.assert_not_called()


# enroll

def test_enroll_all_enrolls_what_no_ironic_node_drives(ironic):
    ironic.composed = [composed(), composed('db-1', node_id='db'),
                       composed('new', state='Allocating', node_id='new')]
    ironic.nodes = [ironic_node('available', node_id='db')]
    ironic.nodes[0].uuid = 'db-node'

    _, rows = run(cli.EnrollValenceNode, ironic, ['--all'])

    assert rows == [
        (VN, 'web-1', IRONIC_UUID, 'enrolled (manageable)'),
        ('db', 'db-1', 'db-node', 'already enrolled (available)'),
        ('new', 'new', None, 'skipped: Allocating, not Assembled')]
    # One Ironic call makes the node that drives the composed node; its
    # manage has the conductor check the composed node and record it.
    # web-1 is the name of the other Ironic node (ironic_node()).
    ironic.node.create.assert_called_once_with(
        driver='valence', name=None, driver_info={'valence_node_id': VN})
    ironic.node.vendor_passthru.assert_not_called()
    ironic.node.update.assert_not_called()
    assert ironic.node.set_provision_state.call_args.args[1:] == ('manage',)


def test_enroll_manages_a_node_a_cut_short_run_left_in_enroll(ironic):
    # Created with its driver_info, then the run died before its manage.
    ironic.composed = [composed(), composed('db-1', state='Allocated',
                                            node_id='db')]
    ironic.nodes = [ironic_node('enroll'), ironic_node('enroll',
                                                       node_id='db')]
    ironic.nodes[1].uuid = 'db-node'

    _, rows = run(cli.EnrollValenceNode, ironic, ['--all'])

    assert rows == [
        (VN, 'web-1', IRONIC_UUID, 'enrolled (manageable)'),
        ('db', 'db-1', 'db-node', 'skipped: Allocated, not Assembled')]
    ironic.node.create.assert_not_called()
    assert [c.args for c in ironic.node.set_provision_state.call_args_list
            ] == [(IRONIC_UUID, 'manage')]


def test_enroll_reuses_a_named_node_only_in_enroll(ironic):
    ironic.composed = [composed('db-1', node_id='db')]
    spare = ironic_node('manageable', node_id=None)
    spare.uuid, spare.name = 'spare-node', 'db-1'
    ironic.nodes = [spare]

    _, rows = run(cli.EnrollValenceNode, ironic, ['--all'])

    assert rows == [('db', 'db-1', IRONIC_UUID, 'enrolled (manageable)')]
    ironic.node.update.assert_not_called()
    ironic.node.create.assert_called_once_with(
        driver='valence', name=None, driver_info={'valence_node_id': 'db'})


def test_enroll_failure_of_one_node_is_its_row(ironic):
    ironic.composed = [composed()]
    ironic.node.create.side_effect = ironic_exc.Forbidden(
        'baremetal:node:create')
    command = cli.EnrollValenceNode(app_of(ironic), None)

    _, rows = command.take_action(
        command.get_parser('baremetal').parse_args([VN]))

    assert rows == [(VN, 'web-1', None,
                     'failed: baremetal:node:create (HTTP 403)')]
    assert command.failed


def many(count):
    """count Assembled composed nodes; Ironic node ironic-07 drives vn-07."""
    return [composed('node-%02d' % i, node_id='vn-%02d' % i)
            for i in range(count)]


def test_enroll_all_enrolls_so_many_nodes_at_once(ironic):
    ironic.composed = many(12)
    lock = threading.Lock()
    running = [0]
    most = [0]
    create_call = ironic.node.create.side_effect

    def create(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return create_call(*args, **kwargs)

    ironic.node.create.side_effect = create

    _, rows = run(cli.EnrollValenceNode, ironic,
                  ['--all', '--concurrency', '3'])

    assert 1 < most[0] <= 3
    assert {row[3] for row in rows} == {'enrolled (manageable)'}
    assert [row[0] for row in rows] == [n['node_id'] for n in ironic.composed]


def test_enroll_concurrency_is_bounded(ironic):
    for bad in ('0', '11'):
        with pytest.raises(SystemExit):
            run(cli.EnrollValenceNode, ironic, ['--all', '--concurrency',
                                                bad])


def test_enroll_failures_in_the_middle_are_their_rows_and_nothing_doubles(
        ironic):
    ironic.composed = many(5)
    create_call = ironic.node.create.side_effect

    def create(driver, name=None, driver_info=None):
        if driver_info['valence_node_id'] == 'vn-01':
            raise ironic_exc.BadRequest('Ironic refused')
        return create_call(driver, name, driver_info)

    ironic.node.create.side_effect = create
    ironic.managed_to['ironic-03'] = ('enroll', 'Valence composed node vn-03 '
                                      'is Allocated, not Assembled')
    command = cli.EnrollValenceNode(app_of(ironic), None)

    _, rows = command.take_action(command.get_parser('baremetal').parse_args(
        ['--all', '--concurrency', '2']))

    by_node = {row[0]: row for row in rows}
    assert by_node['vn-01'][2:] == (None,
                                    'failed: Ironic refused (HTTP 400)')
    assert by_node['vn-03'][2:] == (
        'ironic-03', 'failed: drives the composed node, but is enroll, not '
        'manageable within 600 s: Valence composed node vn-03 is Allocated, '
        'not Assembled')
    assert {by_node[n][3] for n in ('vn-00', 'vn-02', 'vn-04')} == {
        'enrolled (manageable)'}
    assert command.failed
    assert ironic.node.create.call_count == 5
    assert sorted(c.args[0] for c in
                  ironic.node.set_provision_state.call_args_list) == [
        'ironic-00', 'ironic-02', 'ironic-03', 'ironic-04']


def test_enroll_gives_up_on_a_node_still_verifying_after_the_wait(ironic):
    ironic.composed = many(1)
    ironic.managed_to['ironic-00'] = ('verifying', None)

    with mock.patch.object(cli.time, 'sleep', autospec=True) as sleep:
        _, rows = run(cli.EnrollValenceNode, ironic, ['--all', '--wait',
                                                      '0'])

    assert rows[0][3] == ('failed: drives the composed node, but is '
                          'verifying, not manageable within 0 s')
    assert sleep.call_count <= 2


def test_enroll_finds_the_names_ironic_has_in_one_list(ironic):
    ironic.composed = [composed(), composed('db-1', node_id='db')]
    other = ironic_node('available', node_id=None, driver='ipmi')
    other.uuid, other.name = 'ipmi-node', 'web-1'
    spare = ironic_node('enroll', node_id=None)
    spare.uuid, spare.name = 'spare-node', 'db-1'
    ironic.nodes = [other, spare]
    ironic.node.update.side_effect = ironic.add_driver_info

    _, rows = run(cli.EnrollValenceNode, ironic, ['--all'])

    assert rows == [(VN, 'web-1', IRONIC_UUID, 'enrolled (manageable)'),
                    ('db', 'db-1', 'spare-node', 'enrolled (manageable)')]
    ironic.node.create.assert_called_once_with(
        driver='valence', name=None, driver_info={'valence_node_id': VN})
    ironic.node.update.assert_called_once_with('spare-node', [{
        'op': 'add', 'path': '/driver_info/valence_node_id', 'value': 'db'}])
    ironic.node.get.assert_not_called()
    assert ironic.node.list.call_count == 3


def test_enroll_takes_a_name_taken_meanwhile_for_no_name(ironic):
    ironic.composed = [composed()]
    create = ironic.node.create.side_effect

    def taken(driver, name=None, driver_info=None):
        if name:
            raise ironic_exc.Conflict('name taken')
        return create(driver, name, driver_info)

    ironic.node.create.side_effect = taken

    _, rows = run(cli.EnrollValenceNode, ironic, ['--all'])

    assert rows == [(VN, 'web-1', IRONIC_UUID, 'enrolled (manageable)')]
    assert ironic.node.create.call_args.kwargs == {
        'driver': 'valence', 'driver_info': {'valence_node_id': VN}}


def test_enroll_progress_goes_to_stderr_and_quiet_silences_it(
        ironic, capsys):
    ironic.composed = [composed()]

    run(cli.EnrollValenceNode, ironic, ['--all'])

    out, err = capsys.readouterr()
    assert out == ''
    assert '1 composed nodes: 1 to enroll' in err
    assert '1 of 1 Ironic nodes asked to manage are manageable' in err
    assert 'Created Ironic node' not in err

    ironic.nodes = []
    run(cli.EnrollValenceNode, ironic, ['--all'], verbose_level=2)
    assert 'Created Ironic node %s' % IRONIC_UUID in capsys.readouterr().err

    ironic.nodes = []
    run(cli.EnrollValenceNode, ironic, ['--all'], verbose_level=0)
    assert capsys.readouterr() == ('', '')


def test_enroll_of_an_unknown_node_enrolls_nothing(ironic):
    with pytest.raises(exceptions.CommandError,
                       match='no composed node nope; nothing was enrolled'):
        run(cli.EnrollValenceNode, ironic, ['nope'])
    ironic.node.create.assert_not_called()


# retire

CLEANING = [{'interface': 'management', 'step': 'release_composed_node'}]


def retirable(state='manageable', **fields):
    node = ironic_node(state)
    node.__dict__.update(
        driver_internal_info={}, retired=False, retired_reason=None,
        maintenance=False, maintenance_reason=None, fault=None,
        last_error=None)
    node.__dict__.update(fields)
    return node


@pytest.fixture
def retiring(ironic):
    """A manageable valence node that Ironic cleans as told."""
    ironic.node.get.side_effect = None
    ironic.node.get.return_value = retirable()
    return ironic


def calls(ironic):
    """The Ironic calls that change something, in their order."""
    return [(call[0],) + call[1][1:] + tuple(sorted(call[2].items()))
            for call in ironic.node.mock_calls
            if call[0] in ('set_maintenance', 'set_provision_state',
                           'update', 'delete')]


RETIRED = ('update', [{'op': 'replace', 'path': '/retired', 'value': True},
                      {'op': 'replace', 'path': '/retired_reason',
                       'value': 'end of life'}])
CLEAN = ('set_provision_state', 'clean', ('cleansteps', CLEANING))


def test_retire_retires_and_cleans_the_node_the_ironic_way(
        retiring, capsys):
    run(cli.RetireValenceNode, retiring,
        ['web-1', '--reason', 'end of life'])

    assert calls(retiring) == [RETIRED, CLEAN]
    retiring.node.wait_for_provision_state.assert_called_once_with(
        IRONIC_UUID, 'manageable', timeout=mock.ANY)
    retiring.node.vendor_passthru.assert_not_called()
    err = capsys.readouterr().err
    assert 'Ironic node %s is retired (end of life)' % IRONIC_UUID in err
    assert 'Valence node %s is released' % VN in err


def test_retire_delete_deletes_the_ironic_node_once_released(
        retiring, capsys):
    run(cli.RetireValenceNode, retiring, ['web-1', '--delete'])

    assert calls(retiring)[-2:] == [CLEAN, ('delete',)]
    retiring.node.delete.assert_called_once_with(IRONIC_UUID)
    assert 'Deleted Ironic node' in capsys.readouterr().err


def test_retire_quiet_retires_and_says_nothing(retiring, capsys):
    run(cli.RetireValenceNode, retiring, ['web-1'], verbose_level=0)

    assert calls(retiring)[-1] == CLEAN
    assert capsys.readouterr().err == ''


@pytest.mark.parametrize('state', ['available', 'enroll'])
def test_retire_brings_the_node_to_manageable_first(retiring, state):
    retiring.node.get.return_value = retirable(state)

    run(cli.RetireValenceNode, retiring,
        ['web-1', '--reason', 'end of life'])

    assert calls(retiring) == [('set_provision_state', 'manage'), RETIRED,
                               CLEAN]


def test_retire_bounds_every_wait_by_one_timeout(retiring, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(cli.time, 'monotonic', lambda: now[0])

    def wait(node, state, timeout):
        now[0] += 25
    retiring.node.wait_for_provision_state.side_effect = wait
    retiring.node.get.return_value = retirable('available')

    run(cli.RetireValenceNode, retiring, ['web-1', '--timeout', '60'])

    assert [call.kwargs['timeout'] for call in
            retiring.node.wait_for_provision_state.call_args_list] == [
        60, 35]


def test_retire_out_of_time_says_which_half_stands(retiring, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(cli.time, 'monotonic', lambda: now[0])

    def wait(node, state, timeout):
        now[0] += timeout
    retiring.node.wait_for_provision_state.side_effect = wait
    retiring.node.get.return_value = retirable('available')

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.RetireValenceNode, retiring, ['web-1', '--timeout', '60'])

    assert 'the 60 s of --timeout are over' in str(e.value)
    assert 'Ironic node %s is retired, but Valence node %s is not known to ' \
        'be released' % (IRONIC_UUID, VN) in str(e.value)


@pytest.mark.parametrize('state', ['active', 'deploying', 'rescue',
                                   'wait call-back'])
def test_retire_of_a_node_that_may_serve_a_workload_changes_nothing(
        retiring, state):
    retiring.node.get.return_value = retirable(state)

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.RetireValenceNode, retiring, ['web-1', '--delete'])

    assert 'may be serving a workload' in str(e.value)
    assert 'nothing was done' in str(e.value)
    assert calls(retiring) == []


def test_retire_of_a_node_in_another_state_changes_nothing(retiring):
    retiring.node.get.return_value = retirable('inspecting')

    with pytest.raises(exceptions.CommandError, match='nothing was done'):
        run(cli.RetireValenceNode, retiring, ['web-1'])

    assert calls(retiring) == []


def test_retire_of_a_node_in_maintenance_changes_nothing(retiring):
    retiring.node.get.return_value = retirable(
        maintenance=True, maintenance_reason='new disks')

    with pytest.raises(exceptions.CommandError,
                       match='in maintenance \\(new disks\\).*nothing was '
                             'done'):
        run(cli.RetireValenceNode, retiring, ['web-1'])

    assert calls(retiring) == []


def test_retire_of_a_node_of_another_driver_does_nothing(retiring):
    retiring.node.get.return_value = retirable(driver='ipmi')

    with pytest.raises(exceptions.CommandError, match='nothing was done'):
        run(cli.RetireValenceNode, retiring, ['web-1'])

    assert calls(retiring) == []


def test_retire_that_ironic_refuses_to_manage_says_nothing_is_retired(
        retiring):
    retiring.node.get.return_value = retirable('enroll')
    retiring.node.set_provision_state.side_effect = ironic_exc.Conflict(
        'power state read failed')

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.RetireValenceNode, retiring, ['web-1'])

    assert 'power state read failed' in str(e.value)
    assert 'Ironic node %s is not retired and Valence node %s is not ' \
        'released' % (IRONIC_UUID, VN) in str(e.value)
    assert calls(retiring) == [('set_provision_state', 'manage')]


def test_retire_whose_cleaning_failed_names_ironics_error_and_the_rerun(
        retiring):
    retiring.node.wait_for_provision_state.side_effect = (
        ironic_exc.StateTransitionFailed('clean failed'))
    retiring.node.get.side_effect = [
        retirable(), types.SimpleNamespace(last_error='VALENCE_UNREACHABLE')]

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.RetireValenceNode, retiring, ['web-1', '--delete'])

    message = str(e.value)
    assert 'failed: VALENCE_UNREACHABLE' in message
    assert ('Ironic node %s is retired, but Valence node %s is not known '
            'to be released' % (IRONIC_UUID, VN)) in message
    assert '"baremetal valence node retire %s --delete" finishes it' % (
        IRONIC_UUID) in message
    retiring.node.delete.assert_not_called()


def test_retire_again_after_a_failed_cleaning_finishes_it(retiring):
    retiring.node.get.return_value = retirable(
        'clean failed', retired=True, retired_reason='end of life',
        maintenance=True, fault='clean failure')

    run(cli.RetireValenceNode, retiring, ['web-1'])

    assert calls(retiring) == [('set_maintenance', False),
                               ('set_provision_state', 'manage'), CLEAN]


def test_retire_of_a_node_released_already_only_deletes_it(
        retiring, capsys):
    retiring.node.get.return_value = retirable(
        retired=True, maintenance=True,
        maintenance_reason='released: delete the Ironic node',
        driver_internal_info={'valence_released_node_id': VN})

    run(cli.RetireValenceNode, retiring, ['web-1', '--delete'])

    assert calls(retiring) == [('delete',)]
    assert 'already released' in capsys.readouterr().err


def test_retire_whose_delete_ironic_refuses_says_what_stands(retiring):
    retiring.node.delete.side_effect = ironic_exc.Conflict('locked')

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.RetireValenceNode, retiring, ['web-1', '--delete'])

    assert ('Valence node %s is released and Ironic node %s is retired, '
            'but Ironic did not delete it: ' % (VN, IRONIC_UUID)) in str(
                e.value)
    assert 'locked' in str(e.value)
    assert 'baremetal node delete %s' % IRONIC_UUID in str(e.value)


def test_retire_with_a_timeout_that_is_no_time_is_refused(retiring):
    with pytest.raises(exceptions.CommandError, match='--timeout'):
        run(cli.RetireValenceNode, retiring, ['web-1', '--timeout', '0'])

    assert calls(retiring) == []


def test_retire_of_a_composed_node_no_ironic_node_drives(ironic, capsys):
    run(cli.RetireValenceNode, ironic, [VN])

    assert ironic.driver_calls == [('decompose', 'POST', {'node_id': VN})]
    assert 'Decomposed Valence node %s' % VN in capsys.readouterr().err


def test_retire_of_what_neither_has_says_nothing_was_done(ironic):
    ironic.driver.vendor_passthru.side_effect = ironic_exc.BadRequest(
        'Valence has no composed node nope')

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.RetireValenceNode, ironic, ['nope'])

    assert 'nothing was done' in str(e.value)
    assert 'again' not in str(e.value)


def test_retire_that_failed_in_valence_says_to_try_again(ironic):
    ironic.driver.vendor_passthru.side_effect = (
        ironic_exc.InternalServerError('VALENCE_UNREACHABLE'))

    with pytest.raises(exceptions.CommandError,
                       match='was not decomposed.*again'):
        run(cli.RetireValenceNode, ironic, [VN])
