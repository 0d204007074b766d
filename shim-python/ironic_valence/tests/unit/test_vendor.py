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


"""Vendor passthru, called the way Ironic's conductor calls it."""

import oslo_messaging as messaging

from ironic.common import exception
from ironic.conductor import manager
from ironic.conductor import task_manager

from ironic_valence import protocol
from ironic_valence.tests.unit import base
from ironic_valence.tests.unit import fake_http

CONNECTION_URL = base.SERVICE_URL + '/v1/connection'

CONNECTION = {
    'service': {'name': 'valence-driver-service', 'version': '0.1.0'},
    'valence': {'url': 'http://127.0.0.1:8181', 'reachable': True,
                'version': 'v1.0', 'latency_ms': 3.5, 'error': None},
}
ANSWERED = [{'url': base.SERVICE_URL, 'answered': True, 'error': None}]


class VendorTestCase(base.ValenceTestCase):

    def setUp(self):
        super().setUp()
        self.conductor = manager.ConductorManager('test-host', 'test-topic')

    def _raises(self, expected, call, *args, **kwargs):
        """The exception a conductor call raised, as the API receives it.

        The conductor wraps the exceptions it declares in ExpectedException.
        """
        try:
            call(*args, **kwargs)
        except messaging.ExpectedException as wrapper:
            error = wrapper.exc_info[1]
        except Exception as raw:
            error = raw
        else:
            self.fail('%s not raised' % expected.__name__)
        self.assertIsInstance(error, expected)
        return error

    def _driver_passthru(self, http_method='GET', **info):
        return self.conductor.driver_vendor_passthru(
            self.context, 'valence', 'test_connection', http_method, info)

    def _node_passthru(self, method='get_composed_node', **info):
        return self.conductor.vendor_passthru(
            self.context, self.node.uuid, method, 'GET', info)

    def test_routes(self):
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            vendor = task.driver.vendor
            self.assertEqual(['GET', 'POST'],
                             vendor.driver_routes['test_connection'][
                                 'http_methods'])
            self.assertFalse(vendor.driver_routes['test_connection'][
                'async'])
            self.assertEqual(['GET'], vendor.vendor_routes[
                'get_composed_node']['http_methods'])
            self.assertFalse(vendor.vendor_routes['get_composed_node'][
                'require_exclusive_lock'])

    def test_test_connection(self):
        get = self.http.get(CONNECTION_URL, json=CONNECTION)
        self.assertEqual({'return': dict(CONNECTION, replicas=ANSWERED),
                          'async': False, 'attach': False},
                         self._driver_passthru())
        self.assertEqual(self.context.request_id,
                         get.last_request.headers[protocol.REQUEST_ID_HEADER])
        self.assertEqual('Bearer ' + base.TOKEN,
                         get.last_request.headers['Authorization'])

    def test_test_connection_by_post(self):
        self.http.get(CONNECTION_URL, json=CONNECTION)
        self.assertEqual(dict(CONNECTION, replicas=ANSWERED),
                         self._driver_passthru('POST')['return'])

    def test_test_connection_with_valence_down_is_an_answer(self):
        down = {'service': CONNECTION['service'],
                'valence': {'url': 'http://127.0.0.1:8181',
                            'reachable': False, 'version': None,
                            'latency_ms': None,
                            'error': 'Connection refused'}}
        self.http.get(CONNECTION_URL, json=down)
        self.assertEqual(dict(down, replicas=ANSWERED),
                         self._driver_passthru()['return'])

    def test_test_connection_takes_no_arguments(self):
        error = self._raises(exception.InvalidParameterValue,
                             self._driver_passthru, verbose=True)
        self.assertIn('test_connection takes no arguments, got: verbose',
                      str(error))
        self.assertFalse(self.http.called)

    def test_test_connection_service_unreachable(self):
        self.http.get(CONNECTION_URL, exc=fake_http.refused())
        error = self._raises(exception.VendorPassthruException,
                             self._driver_passthru)
        self.assertIn('Testing the connection failed: Cannot reach the '
                      'Valence driver service at %s' % base.SERVICE_URL,
                      str(error))

    def test_test_connection_reports_each_replica(self):
        other = 'http://ironic:hunter2@valence-2.test:8080'
        self.config(service_url=[base.SERVICE_URL, other], group='valence')
        self.http.get(CONNECTION_URL, exc=fake_http.refused())
        get = self.http.get('http://valence-2.test:8080/v1/connection',
                            json=CONNECTION)
        answer = self._driver_passthru()['return']
        [down, up] = answer.pop('replicas')
        self.assertEqual(CONNECTION, answer)
        self.assertEqual((base.SERVICE_URL, False),
                         (down['url'], down['answered']))
        self.assertIn('Cannot reach the Valence driver service at %s'
                      % base.SERVICE_URL, down['error'])
        self.assertEqual({'url': 'http://valence-2.test:8080',
                          'answered': True, 'error': None}, up)
        self.assertEqual(self.context.request_id,
                         get.last_request.headers[protocol.REQUEST_ID_HEADER])

    def test_test_connection_fails_when_no_replica_answers(self):
        self.config(service_url=[base.SERVICE_URL,
                                 'http://valence-2.test:8080'],
                    read_attempts=1, group='valence')
        self.http.get(CONNECTION_URL, exc=fake_http.refused())
        self.http.get('http://valence-2.test:8080/v1/connection',
                      **base.problem(protocol.UNAUTHORIZED, 'wrong token'))
        error = self._raises(exception.VendorPassthruException,
                             self._driver_passthru)
        self.assertIn('Testing the connection failed: Cannot reach the '
                      'Valence driver service at %s' % base.SERVICE_URL,
                      str(error))
        self.assertIn('; Valence driver service at http://valence-2.test:8080'
                      ' answered HTTP 401 UNAUTHORIZED: wrong token',
                      str(error))

    def test_test_connection_every_service_error(self):
        for code in protocol.OPERATION_ERRORS['connection']:
            with self.subTest(code=code):
                self.http.get(CONNECTION_URL,
                              **base.problem(code, 'it broke'))
                error = self._raises(exception.VendorPassthruException,
                                     self._driver_passthru)
                self.assertIn(code + ': it broke', str(error))
                self.assertNotIn(base.TOKEN, str(error))

    def test_get_composed_node(self):
        node = base.composed_node()
        self.http.get(base.NODE_URL, json=node)
        self.assertEqual({'return': node, 'async': False, 'attach': False},
                         self._node_passthru())

    def test_get_composed_node_takes_no_arguments(self):
        self._raises(exception.InvalidParameterValue,
                     self._node_passthru, fields='power_state')
        self.assertFalse(self.http.called)

    def test_get_composed_node_checks_driver_info(self):
        self.node.driver_info = {'valence_node_id': '../pod_managers'}
        self.node.save()
        self._raises(exception.InvalidParameterValue,
                     self._node_passthru)
        self.assertFalse(self.http.called)

    def test_get_composed_node_not_found(self):
        self.http.get(base.NODE_URL, **base.problem(protocol.NODE_NOT_FOUND,
                                                    'gone'))
        error = self._raises(exception.InvalidParameterValue,
                             self._node_passthru)
        self.assertIn('composed node %s not found' % base.NODE_ID,
                      str(error))

    def test_get_composed_node_every_other_service_error(self):
        for code in protocol.OPERATION_ERRORS['node']:
            if code == protocol.NODE_NOT_FOUND:
                continue
            with self.subTest(code=code):
                self.http.get(base.NODE_URL, **base.problem(code, 'it broke'))
                error = self._raises(exception.VendorPassthruException,
                                     self._node_passthru)
                self.assertIn(code + ': it broke', str(error))

    def test_unknown_node_method(self):
        error = self._raises(exception.InvalidParameterValue,
                             self._node_passthru, 'reset_bmc')
        self.assertIn('No handler for method reset_bmc', str(error))


class VendorValidateTestCase(base.ValenceTestCase):

    def _validate(self, method, **kwargs):
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            task.driver.vendor.validate(task, method=method, **kwargs)

    def test_whole_interface(self):
        self._validate(None)

    def test_get_composed_node(self):
        self._validate('get_composed_node', http_method='GET')

    def test_get_composed_node_without_driver_info(self):
        self.node.driver_info = {}
        self.node.save()
        self.assertRaises(exception.MissingParameterValue, self._validate,
                          'get_composed_node', http_method='GET')

    def test_unknown_method(self):
        self.assertRaises(exception.UnsupportedDriverExtension,
                          self._validate, 'reset_bmc')
