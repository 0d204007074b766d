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

"""The composition methods of the vendor interface, and their policy.

Called the way Ironic's conductor calls them, with the request context of
an admin, a reader, or nobody (auth_strategy other than keystone).
"""

from unittest import mock

from ironic.common import context as ironic_context
from ironic.common import exception
from ironic.conductor import task_manager
from ironic import objects
from oslo_policy import policy as oslo_policy

from ironic_valence import client
from ironic_valence import passthru
from ironic_valence import policy
from ironic_valence import protocol
from ironic_valence.tests.unit import base

NODES_URL = base.SERVICE_URL + '/v1/nodes'
FLAVORS_URL = base.SERVICE_URL + '/v1/flavors'
NEW_ID = '0d4e1c7a-2f3b-4a5c-9d8e-7f6a5b4c3d2e'


SMALL = {'flavor_id': 'f1', 'name': 'small', 'description': '2 cores',
         'total_cores': 2, 'memory_mib': 8192}


def composed(node_id=NEW_ID, name='web-1', state='Assembled'):
    return {'node_id': node_id, 'name': name, 'composition_state': state,
            'power_state': 'power off'}


def system_context(role):
    return ironic_context.RequestContext(
        user_id='u-' + role, roles=[role], system_scope='all',
        auth_token='keystone-token')


class CompositionTestCase(base.ValenceTestCase):

    def setUp(self):
        super().setUp()
        self.config(auth_strategy='keystone')
        self.context = system_context('admin')

    def _vendor(self, name, /, *args, **kwargs):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            return getattr(task.driver.vendor, name)(task, *args, **kwargs)

    def _driver_method(self, method, /, *args, **kwargs):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            vendor = task.driver.vendor
        return getattr(vendor, method)(self.context, *args, **kwargs)

    def _validate(self, method, **kwargs):
        self._vendor('validate', method=method, http_method='POST',
                     **kwargs)

    def _history(self):
        return [(entry.severity, entry.event_type, entry.event)
                for entry in objects.NodeHistory.list_by_node_id(
                    self.context, self.node.id)]

    def _fresh_node(self):
        self.node.driver_info = {}
        self.node.save()

    # policy

    def test_reader_is_refused_compose(self):
        self._fresh_node()
        self.context = system_context('reader')
        error = self.assertRaises(exception.HTTPForbidden, self._validate,
                                  passthru.COMPOSE, name='web-1',
                                  flavor='small', timeout=30)
        self.assertIn('baremetal:valence:compose', str(error))
        self.assertFalse(self.http.called)

    def test_reader_is_refused_decompose(self):
        self.context = system_context('reader')
        self.assertRaises(exception.HTTPForbidden, self._driver_method,
                          'decompose', node_id=NEW_ID)
        self.assertFalse(self.http.called)

    def test_project_scoped_admin_is_refused_compose(self):
        self._fresh_node()
        self.context = ironic_context.RequestContext(
            user_id='u', roles=['admin'], project_id='p1',
            auth_token='keystone-token')
        self.assertRaises(exception.HTTPForbidden, self._validate,
                          passthru.COMPOSE, name='web-1', flavor='small',
                          timeout=30)

    def test_reader_lists_nodes_and_flavors(self):
        self.context = system_context('reader')
        self.http.get(NODES_URL, json={'nodes': [composed()],
                                       'next_marker': None})
        self.http.get(FLAVORS_URL, json=[{'name': 'small'}])
        self.assertEqual({'nodes': [composed()]},
                         self._driver_method('list_composed_nodes'))
        self.assertEqual({'flavors': [{'name': 'small'}]},
                         self._driver_method('list_flavors'))

    def _list_seconds(self, transport, rpc_response_timeout,
                      json_rpc_timeout=120):
        """The seconds the list is given under that configuration."""
        self.config(rpc_transport=transport,
                    rpc_response_timeout=rpc_response_timeout)
        self.config(timeout=json_rpc_timeout, group='json_rpc')
        self.context = system_context('reader')
        with mock.patch.object(client.ServiceClient, 'list_composed_nodes',
                               autospec=True, return_value=[]) as listing:
            self._driver_method('list_composed_nodes')
        return listing.call_args.args[2]

    def test_oslo_messaging_list_is_bounded_by_rpc_response_timeout(self):
        self.assertEqual(50, self._list_seconds('oslo', 60))
        self.assertEqual(100, self._list_seconds('oslo', 120))

    def test_json_rpc_list_is_bounded_by_its_timeout(self):
        self.assertEqual(25, self._list_seconds('json-rpc', 60, 30))

    def test_json_rpc_without_a_timeout_takes_oslo_messagings(self):
        self.assertEqual(75, self._list_seconds('json-rpc', 90, None))

    def test_list_without_rpc_is_bounded_by_rpc_response_timeout(self):
        self.assertEqual(30, self._list_seconds('none', 36))

    def test_a_user_without_a_role_is_refused_the_lists(self):
        self.context = system_context('nothing')
        for method in ('list_composed_nodes', 'list_flavors'):
            self.assertRaises(exception.HTTPForbidden, self._driver_method,
                              method)
        self.assertFalse(self.http.called)

    # Ironic's test base gives each test an enforcer of its own.
    def test_policy_overrides_the_default(self):
        self._fresh_node()
        self.context = system_context('reader')
        enforcer = policy.policy.get_enforcer()
        enforcer.set_rules(oslo_policy.Rules.from_dict(
            {policy.COMPOSE: 'role:reader'}), overwrite=False,
            use_conf=False)
        self._validate(passthru.COMPOSE, name='web-1', flavor='small',
                       timeout=30)

    def test_without_keystone_every_call_is_allowed(self):
        self._fresh_node()
        self.config(auth_strategy='noauth')
        self.context = system_context('nothing')
        self._validate(passthru.COMPOSE, name='web-1', flavor='small',
                       timeout=30)

    def test_rules_are_listed_for_the_sample_generator(self):
        self.assertEqual(
            {policy.LIST_NODES, policy.LIST_FLAVORS, policy.COMPOSE,
             policy.RETIRE},
            {rule.name for rule in policy.list_rules()})

    # arguments

    def test_compose_needs_its_arguments_of_their_types(self):
        self._fresh_node()
        for args, message in (
                ({'name': 'web-1', 'flavor': 'small'}, 'needs: timeout'),
                ({'name': 'web-1', 'flavor': 'small', 'timeout': '30'},
                 'timeout as a int'),
                ({'name': 'web-1', 'flavor': 'small', 'timeout': True},
                 'timeout as a int'),
                ({'name': 'web-1', 'flavor': 'small', 'timeout': 0},
                 'must be 1 to 3600'),
                ({'name': 'web-1', 'flavor': 'small', 'timeout': 30,
                  'verbose': True}, 'got: verbose')):
            with self.subTest(args=args):
                error = self.assertRaises(exception.InvalidParameterValue,
                                          self._validate, passthru.COMPOSE,
                                          **args)
                self.assertIn(message, str(error))

    def test_compose_of_a_node_that_drives_one_already_is_refused(self):
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._validate, passthru.COMPOSE,
                                  name='web-1', flavor='small', timeout=30)
        self.assertIn('already drives Valence node %s' % base.NODE_ID,
                      str(error))

    def test_retire_and_enroll_are_no_node_methods_any_more(self):
        # Ironic's own: retired, then the release clean step; created
        # with driver_info, then managed (the power interface's verify
        # step).
        for method in ('retire', 'enroll'):
            with self.subTest(method=method):
                self.assertRaises(exception.UnsupportedDriverExtension,
                                  self._validate, method)

    def test_decompose_checks_the_node_id(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            self.assertRaises(exception.InvalidParameterValue,
                              task.driver.vendor.driver_validate,
                              passthru.DECOMPOSE, node_id='a/b')

    # compose

    def test_compose_records_the_composed_node_in_the_history(self):
        self._fresh_node()
        self.http.get(FLAVORS_URL, json=[SMALL])
        post = self.http.post(NODES_URL, status_code=201, json=composed())

        self._vendor('compose', name='web-1', flavor='small', timeout=30,
                     description='web')

        self.assertEqual({'name': 'web-1', 'flavor': 'small', 'timeout': 30,
                          'description': 'web'}, post.last_request.json())
        self.node.refresh()
        self.assertEqual(NEW_ID, self.node.driver_info['valence_node_id'])
        self.assertEqual(
            [('INFO', 'valence', 'Composed Valence node %s named web-1 from '
              'flavor small; resource class VALENCE_SMALL, traits '
              'CUSTOM_VALENCE_MEMORY_MIB_8192, CUSTOM_VALENCE_TOTAL_CORES_2'
              % NEW_ID)], self._history())

    def test_compose_sets_the_flavors_resource_class_and_traits(self):
        self._fresh_node()
        self.http.get(FLAVORS_URL, json=[SMALL])
        self.http.post(NODES_URL, status_code=201, json=composed())

        self._vendor('compose', name='web-1', flavor='f1', timeout=30)

        node = objects.Node.get_by_uuid(self.context, self.node.uuid)
        self.assertEqual('VALENCE_SMALL', node.resource_class)
        self.assertEqual(['CUSTOM_VALENCE_MEMORY_MIB_8192',
                          'CUSTOM_VALENCE_TOTAL_CORES_2'],
                         sorted(node.traits.get_trait_names()))

    def test_compose_of_a_flavor_valence_does_not_list_sets_nothing(self):
        self._fresh_node()
        self.http.get(FLAVORS_URL, json=[SMALL])
        self.http.post(NODES_URL, status_code=201, json=composed())

        self._vendor('compose', name='web-1', flavor='other', timeout=30)

        node = objects.Node.get_by_uuid(self.context, self.node.uuid)
        self.assertIsNone(node.resource_class)
        self.assertEqual([], node.traits.get_trait_names())

    def test_compose_whose_flavors_cannot_be_read_composes_nothing(self):
        self._fresh_node()
        self.http.get(FLAVORS_URL, **base.problem(protocol.VALENCE_ERROR,
                                                  'Valence failed'))

        self._vendor('compose', name='web-1', flavor='small', timeout=30)

        self.assertFalse(any(r.method == 'POST'
                             for r in self.http.request_history))
        [(severity, _type, event)] = self._history()
        self.assertEqual('ERROR', severity)
        self.assertIn('failed before anything was composed', event)

    def test_compose_that_failed_records_the_error(self):
        self._fresh_node()
        self.http.get(FLAVORS_URL, json=[SMALL])
        self.http.post(NODES_URL, **base.problem(protocol.FLAVOR_NOT_FOUND,
                                                 "no flavor 'huge'"))

        self._vendor('compose', name='web-1', flavor='huge', timeout=30)

        self.node.refresh()
        self.assertNotIn('valence_node_id', self.node.driver_info)
        [(severity, _type, event)] = self._history()
        self.assertEqual('ERROR', severity)
        self.assertIn("FLAVOR_NOT_FOUND: no flavor 'huge'", event)
        self.assertEqual(event, self.node.last_error)
        self.assertNotIn(base.TOKEN, event)

    def test_compose_that_left_a_node_behind_drives_it(self):
        self._fresh_node()
        self.http.get(FLAVORS_URL, json=[SMALL])
        answer = base.problem(protocol.COMPOSITION_TIMEOUT, 'not in time')
        answer['json']['node_id'] = NEW_ID
        self.http.post(NODES_URL, **answer)

        self._vendor('compose', name='web-1', flavor='small', timeout=30)

        self.node.refresh()
        self.assertEqual(NEW_ID, self.node.driver_info['valence_node_id'])
        [(severity, _type, event)] = self._history()
        self.assertEqual('ERROR', severity)
        self.assertIn('Valence node %s was left as it is' % NEW_ID, event)

    def test_compose_answer_without_a_node_id_is_a_failure(self):
        self._fresh_node()
        self.http.get(FLAVORS_URL, json=[SMALL])
        self.http.post(NODES_URL, status_code=201, json={'name': 'web-1'})

        self._vendor('compose', name='web-1', flavor='small', timeout=30)

        [(severity, _type, event)] = self._history()
        self.assertEqual('ERROR', severity)
        self.assertIn('without a composed node id', event)

    def test_a_list_the_service_fails_is_a_vendor_passthru_failure(self):
        self.context = system_context('reader')
        self.http.get(NODES_URL, **base.problem(protocol.VALENCE_ERROR,
                                                'Valence is down'))
        self.http.get(FLAVORS_URL, **base.problem(protocol.VALENCE_ERROR,
                                                  'Valence is down'))
        for method in ('list_composed_nodes', 'list_flavors'):
            with self.subTest(method=method):
                error = self.assertRaises(exception.VendorPassthruException,
                                          self._driver_method, method)
                self.assertIn('Reading from the Valence driver service '
                              'failed: ', str(error))
                self.assertIn('Valence is down', str(error))

    # decompose

    def test_decompose_of_a_node_no_ironic_node_drives(self):
        delete = self.http.delete(NODES_URL + '/' + NEW_ID, status_code=204)

        self.assertIsNone(self._driver_method('decompose', node_id=NEW_ID))

        self.assertTrue(delete.called)

    def test_decompose_of_an_unknown_node_is_a_bad_request(self):
        self.http.delete(NODES_URL + '/nope',
                         **base.problem(protocol.NODE_NOT_FOUND, 'gone'))

        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._driver_method, 'decompose',
                                  node_id='nope')

        self.assertIn('Valence has no composed node nope', str(error))

    def test_decompose_the_service_failed_is_a_vendor_passthru_failure(self):
        self.http.delete(NODES_URL + '/' + NEW_ID,
                         **base.problem(protocol.VALENCE_ERROR,
                                        'Valence is down'))

        error = self.assertRaises(exception.VendorPassthruException,
                                  self._driver_method, 'decompose',
                                  node_id=NEW_ID)

        self.assertIn('Decomposing Valence node %s failed: ' % NEW_ID,
                      str(error))
        self.assertIn('Valence is down', str(error))
