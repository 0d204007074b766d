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

"""The baremetal valence commands: the service faked with requests-mock,
Ironic's client with a mock (the e2e run drives both for real)."""

import types
from unittest import mock

from ironicclient import exc as ironic_exc
from osc_lib import exceptions
import pytest
import requests
import requests_mock

from ironic_valence import cli

URL = 'http://127.0.0.1:8080'
TOKEN = 'tkn-cli-test-only'
NODES = URL + '/v1/nodes'
FLAVORS = URL + '/v1/flavors'
VN = '9b1f0c2e-5a4d-4e3b-8c7a-6d5e4f3a2b1c'
SMALL = {'flavor_id': 'f1', 'name': 'small', 'description': '2 cores',
         'total_cores': 2, 'memory_mib': 8192}
IRONIC_UUID = '1be26c0b-03f2-4d2e-ae87-c02d7f33c123'


def composed(name='web-1', state='Assembled', node_id=VN):
    return {'node_id': node_id, 'name': name, 'index': '7',
            'composition_state': state, 'power_state': 'power off'}


def page(nodes, next_marker=None):
    """A page of the service's node list."""
    return {'nodes': nodes, 'next_marker': next_marker}


def ironic_node(state='enroll', node_id=VN, driver='valence'):
    return types.SimpleNamespace(uuid=IRONIC_UUID, name='web-1',
                                 provision_state=state, driver=driver,
                                 driver_info={'valence_node_id': node_id})


@pytest.fixture
def http():
    with requests_mock.Mocker() as m:
        yield m


@pytest.fixture
def ironic():
    client = mock.Mock()
    client.node.list.return_value = []
    client.node.get.side_effect = ironic_exc.NotFound()
    client.node.create.return_value = ironic_node()
    return client


def run(command_class, ironic, argv):
    app = mock.Mock()
    app.client_manager.baremetal = ironic
    command = command_class(app, None)
    parsed = command.get_parser('baremetal').parse_args(
        ['--valence-driver-url', URL, '--valence-driver-token', TOKEN]
        + argv)
    return command.take_action(parsed)


# ServiceClient

def test_calls_carry_the_token_and_read_the_answer(http):
    http.get(NODES, json=page([composed()]))

    assert cli.ServiceClient(URL, TOKEN).list_nodes() == [composed()]
    assert http.last_request.headers['Authorization'] == 'Bearer ' + TOKEN


def test_list_nodes_follows_every_page(http):
    http.get(NODES + '?limit=1000', complete_qs=True,
             json=page([composed(node_id='a')], 'a'))
    http.get(NODES + '?limit=1000&marker=a', complete_qs=True,
             json=page([composed(node_id='b')]))

    nodes = cli.ServiceClient(URL, TOKEN).list_nodes()

    assert [node['node_id'] for node in nodes] == ['a', 'b']


def test_list_nodes_stops_at_a_marker_that_does_not_advance(http):
    http.get(NODES, json=page([composed(node_id='a')], 'a'))

    with pytest.raises(cli.ServiceError, match='does not come after'):
        cli.ServiceClient(URL, TOKEN).list_nodes()
    assert http.call_count == 2


def test_list_nodes_begins_no_page_it_could_not_wait_for(http, monkeypatch):
    monkeypatch.setattr(cli, 'LIST_TIMEOUT_SECONDS', 15)

    with pytest.raises(cli.ServiceError, match='could not all be listed'):
        cli.ServiceClient(URL, TOKEN).list_nodes()
    assert http.call_count == 0


def test_missing_url_or_token_says_which_variable():
    with pytest.raises(exceptions.CommandError, match='VALENCE_DRIVER_URL'):
        cli.ServiceClient(None, TOKEN)
    with pytest.raises(exceptions.CommandError,
                       match='VALENCE_DRIVER_TOKEN'):
        cli.ServiceClient(URL, '')


def test_problem_document_gives_code_detail_and_node(http):
    http.post(NODES, status_code=504, json={
        'code': 'COMPOSITION_TIMEOUT', 'detail': 'not Assembled in time',
        'request_id': 'req-1', 'node_id': VN})

    with pytest.raises(cli.ServiceError) as e:
        cli.ServiceClient(URL, TOKEN).compose('web-1', 'small', 30)

    assert e.value.code == 'COMPOSITION_TIMEOUT'
    assert e.value.node_id == VN
    assert 'HTTP 504 COMPOSITION_TIMEOUT: not Assembled in time' in str(
        e.value)
    assert 'req-1' in str(e.value)


def test_compose_waits_for_its_timeout_plus_overshoot_and_margin(http):
    http.post(NODES, status_code=201, json=composed())
    session = mock.Mock(wraps=requests.Session())

    cli.ServiceClient(URL, TOKEN, session).compose('web-1', 'small', 30)

    assert session.request.call_args.kwargs['timeout'] == (5, 36)
    assert http.last_request.json() == {'name': 'web-1', 'flavor': 'small',
                                        'timeout': 30}


def test_unreachable_service_never_shows_the_token(http):
    http.get(NODES, exc=requests.ConnectionError('refused ' + TOKEN))

    with pytest.raises(cli.ServiceError) as e:
        cli.ServiceClient(URL, TOKEN).list_nodes()

    assert TOKEN not in str(e.value)
    assert 'could not be reached' in str(e.value)


def test_answer_that_is_not_json_is_an_error(http):
    http.get(FLAVORS, text='<html>')

    with pytest.raises(cli.ServiceError, match='not JSON'):
        cli.ServiceClient(URL, TOKEN).list_flavors()


# list commands

def test_node_list_shows_the_ironic_node_driving_each(http, ironic):
    http.get(NODES, json=page([composed(), composed('db-1', node_id='other')]))
    ironic.node.list.return_value = [ironic_node('available')]

    columns, rows = run(cli.ListValenceNode, ironic, [])

    assert columns == ('UUID', 'Name', 'Composition State', 'Power State',
                       'Ironic Node', 'Provision State')
    assert rows == [
        (VN, 'web-1', 'Assembled', 'power off', IRONIC_UUID, 'available'),
        ('other', 'db-1', 'Assembled', 'power off', None, None)]
    assert ironic.node.list.call_args.kwargs['driver'] == 'valence'


def test_node_list_shows_the_older_of_two_ironic_nodes(http, ironic):
    http.get(NODES, json=page([composed()]))
    newer = ironic_node('enroll')
    newer.uuid = 'newer-node'
    ironic.node.list.return_value = [ironic_node('available'), newer]

    _, rows = run(cli.ListValenceNode, ironic, [])

    assert rows == [
        (VN, 'web-1', 'Assembled', 'power off', IRONIC_UUID, 'available')]


def test_node_list_unenrolled_shows_only_nodes_no_ironic_node_drives(
        http, ironic):
    http.get(NODES, json=page([composed(), composed('db-1', node_id='other')]))
    ironic.node.list.return_value = [ironic_node('available')]

    _, rows = run(cli.ListValenceNode, ironic, ['--unenrolled'])

    assert rows == [('other', 'db-1', 'Assembled', 'power off', None, None)]


def test_flavor_list(http, ironic):
    http.get(FLAVORS, json=[SMALL])

    columns, rows = run(cli.ListValenceFlavor, ironic, [])

    assert rows == [('f1', 'small', '2 cores', 2, 8192)]


# compose

def test_compose_enroll_inspect_provide_does_each_step(http, ironic):
    http.get(NODES, json=page([]))
    http.get(FLAVORS, json=[SMALL])
    http.post(NODES, status_code=201, json=composed())

    columns, values = run(cli.ComposeValenceNode, ironic,
                          ['--name', 'web-1', '--flavor', 'small',
                           '--inspect', '--provide'])

    result = dict(zip(columns, values))
    assert result['valence_node_id'] == VN
    assert result['ironic_node'] == IRONIC_UUID
    assert result['provision_state'] == 'available'
    ironic.node.create.assert_called_once_with(
        driver='valence', name='web-1', resource_class='VALENCE_SMALL',
        driver_info={'valence_node_id': VN})
    ironic.node.set_traits.assert_called_once_with(
        IRONIC_UUID, ['CUSTOM_VALENCE_MEMORY_MIB_8192',
                      'CUSTOM_VALENCE_TOTAL_CORES_2'])
    assert [c.args[1] for c in
            ironic.node.set_provision_state.call_args_list] == [
        'manage', 'inspect', 'provide']


def test_compose_is_idempotent_on_the_name(http, ironic):
    http.get(NODES, json=page([composed()]))
    ironic.node.list.return_value = [ironic_node('available')]

    columns, values = run(cli.ComposeValenceNode, ironic,
                          ['--name', 'web-1', '--flavor', 'small',
                           '--inspect', '--provide'])

    assert dict(zip(columns, values))['provision_state'] == 'available'
    assert not any(r.method == 'POST' for r in http.request_history)
    ironic.node.create.assert_not_called()
    ironic.node.set_provision_state.assert_not_called()


def test_compose_enroll_finds_the_flavor_by_uuid(http, ironic):
    http.get(NODES, json=page([]))
    http.get(FLAVORS, json=[SMALL])
    http.post(NODES, status_code=201, json=composed())

    run(cli.ComposeValenceNode, ironic,
        ['--name', 'web-1', '--flavor', 'f1', '--enroll'])

    assert (ironic.node.create.call_args.kwargs['resource_class']
            == 'VALENCE_SMALL')


def test_compose_enroll_of_a_composed_node_sets_no_scheduling_fields(
        http, ironic, capsys):
    # Valence does not say which flavor the existing node was composed
    # from: the one named now may not be it.
    http.get(NODES, json=page([composed()]))

    run(cli.ComposeValenceNode, ironic,
        ['--name', 'web-1', '--flavor', 'small', '--enroll'])

    assert 'resource_class' not in ironic.node.create.call_args.kwargs
    ironic.node.set_traits.assert_not_called()
    assert not any(r.url == FLAVORS for r in http.request_history)
    assert 'Valence does not record the flavor' in capsys.readouterr().err


def test_compose_without_enroll_leaves_ironic_alone(http, ironic):
    http.get(NODES, json=page([]))
    http.post(NODES, status_code=201, json=composed())

    columns, values = run(cli.ComposeValenceNode, ironic,
                          ['--name', 'web-1', '--flavor', 'small'])

    assert dict(zip(columns, values))['ironic_node'] is None
    ironic.node.create.assert_not_called()


def test_compose_of_a_name_still_assembling_refuses(http, ironic):
    http.get(NODES, json=page([composed(state='Assembling')]))

    with pytest.raises(exceptions.CommandError, match='is Assembling'):
        run(cli.ComposeValenceNode, ironic,
            ['--name', 'web-1', '--flavor', 'small', '--enroll'])


def test_compose_failure_after_composing_names_the_node(http, ironic):
    http.get(NODES, json=page([]))
    http.get(FLAVORS, json=[SMALL])
    http.post(NODES, status_code=502, json={
        'code': 'VALENCE_UNREACHABLE', 'detail': 'Valence went away',
        'node_id': VN})

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.ComposeValenceNode, ironic,
            ['--name', 'web-1', '--flavor', 'small', '--enroll'])

    assert 'Valence went away' in str(e.value)
    assert 'Valence node %s was composed' % VN in str(e.value)
    ironic.node.create.assert_not_called()


def test_unknown_flavor_is_passed_on(http, ironic):
    http.get(NODES, json=page([]))
    http.post(NODES, status_code=404, json={
        'code': 'FLAVOR_NOT_FOUND',
        'detail': "Valence has no flavor with the uuid or name 'huge'"})

    with pytest.raises(cli.ServiceError, match="FLAVOR_NOT_FOUND.*'huge'"):
        run(cli.ComposeValenceNode, ironic,
            ['--name', 'web-1', '--flavor', 'huge'])


def test_enrolled_name_taken_in_ironic_enrolls_without_a_name(http, ironic):
    http.get(NODES, json=page([]))
    http.get(FLAVORS, json=[SMALL])
    http.post(NODES, status_code=201, json=composed())
    ironic.node.get.side_effect = None

    run(cli.ComposeValenceNode, ironic,
        ['--name', 'web-1', '--flavor', 'small', '--enroll'])

    assert ironic.node.create.call_args.kwargs['name'] is None


# enroll

def test_enroll_all_skips_enrolled_and_unassembled_nodes(http, ironic):
    http.get(NODES, json=page([composed(), composed('new', node_id='n2'),
                               composed('young', 'Allocating', 'n3')]))
    ironic.node.list.return_value = [ironic_node('manageable')]

    columns, rows = run(cli.EnrollValenceNode, ironic, ['--all'])

    assert rows == [
        (VN, 'web-1', IRONIC_UUID, 'already enrolled (manageable)'),
        ('n2', 'new', IRONIC_UUID, 'enrolled (manageable)'),
        ('n3', 'young', None, 'skipped: Allocating, not Assembled')]
    ironic.node.create.assert_called_once_with(
        driver='valence', name='new', driver_info={'valence_node_id': 'n2'})


def test_enroll_failure_of_one_node_is_its_row_and_the_exit_code(http,
                                                                 ironic):
    http.get(NODES, json=page([composed(), composed('new', node_id='n2')]))
    ironic.node.wait_for_provision_state.side_effect = [
        ironic_exc.StateTransitionFailed('stuck in enroll'), None]
    app = mock.Mock()
    app.client_manager.baremetal = ironic
    command = cli.EnrollValenceNode(app, None)
    parsed = command.get_parser('baremetal').parse_args(
        ['--valence-driver-url', URL, '--valence-driver-token', TOKEN,
         '--all', '-f', 'value'])

    assert command.run(parsed) == 1
    assert [c.args[0] for c in
            ironic.node.set_provision_state.call_args_list] == [
        IRONIC_UUID, IRONIC_UUID]
    written = ''.join(c.args[0] for c in app.stdout.write.call_args_list)
    assert 'failed: stuck in enroll' in written
    assert 'enrolled (manageable)' in written


def test_enroll_of_an_unknown_node_enrolls_nothing(http, ironic):
    http.get(NODES, json=page([composed()]))

    with pytest.raises(exceptions.CommandError, match='no composed node n9'):
        run(cli.EnrollValenceNode, ironic, [VN, 'n9'])
    ironic.node.create.assert_not_called()


@pytest.mark.parametrize('argv', [[], ['--all', VN]])
def test_enroll_needs_all_or_uuids_not_both(http, ironic, argv):
    with pytest.raises(exceptions.CommandError, match='either --all'):
        run(cli.EnrollValenceNode, ironic, argv)


# retire

def test_retire_deletes_the_ironic_node_then_decomposes(http, ironic):
    ironic.node.get.side_effect = None
    ironic.node.get.return_value = ironic_node('manageable')
    http.delete(NODES + '/' + VN, status_code=204)

    run(cli.RetireValenceNode, ironic, ['web-1'])

    ironic.node.delete.assert_called_once_with(IRONIC_UUID)
    assert http.last_request.method == 'DELETE'


@pytest.mark.parametrize('state', ['active', 'deploying'])
def test_retire_refuses_a_node_in_use(http, ironic, state):
    ironic.node.get.side_effect = None
    ironic.node.get.return_value = ironic_node(state)

    with pytest.raises(exceptions.CommandError,
                       match='is %s.*Nothing was done' % state):
        run(cli.RetireValenceNode, ironic, ['web-1'])
    ironic.node.delete.assert_not_called()
    assert not http.request_history


def test_retire_says_what_was_done_when_decompose_fails(http, ironic):
    ironic.node.get.side_effect = None
    ironic.node.get.return_value = ironic_node('available')
    http.delete(NODES + '/' + VN, status_code=502,
                json={'code': 'VALENCE_UNREACHABLE', 'detail': 'down'})

    with pytest.raises(exceptions.CommandError) as e:
        run(cli.RetireValenceNode, ironic, ['web-1'])

    assert 'Ironic node %s was deleted, but Valence node %s was not ' \
        'decomposed' % (IRONIC_UUID, VN) in str(e.value)


def test_retire_when_ironic_refuses_does_nothing_in_valence(http, ironic):
    ironic.node.get.side_effect = None
    ironic.node.get.return_value = ironic_node('clean failed')
    ironic.node.delete.side_effect = ironic_exc.ClientException('locked')

    with pytest.raises(exceptions.CommandError, match='Nothing was done'):
        run(cli.RetireValenceNode, ironic, ['web-1'])
    assert not http.request_history


def test_retire_of_a_node_of_another_driver_is_refused(http, ironic):
    ironic.node.get.side_effect = None
    ironic.node.get.return_value = ironic_node(driver='redfish')

    with pytest.raises(exceptions.CommandError, match='not a valence node'):
        run(cli.RetireValenceNode, ironic, ['web-1'])


def test_retire_of_a_composed_node_no_ironic_node_drives(http, ironic):
    http.delete(NODES + '/' + VN, status_code=204)

    run(cli.RetireValenceNode, ironic, [VN])

    ironic.node.delete.assert_not_called()
    assert http.last_request.method == 'DELETE'
