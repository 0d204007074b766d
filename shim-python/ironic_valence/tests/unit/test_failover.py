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


"""Calls move from a replica of the service that cannot take them to the
next one, within the time the call is given."""

import logging

import urllib3

from ironic.common import exception
from ironic.conductor import task_manager

from ironic_valence import exceptions
from ironic_valence import power
from ironic_valence import protocol
from ironic_valence.tests.unit import base
from ironic_valence.tests.unit import fake_http
from ironic_valence import utils

FIRST = 'http://valence-1.test:8080'
SECOND = 'http://valence-2.test:8080'
POWER_PATH = '/v1/nodes/%s/power' % base.NODE_ID
BOOT_PATH = '/v1/nodes/%s/boot-device' % base.NODE_ID
ON = {'power_state': protocol.POWER_ON, 'health': 'OK'}


def _proxy(status):
    """A proxy's error page: not the service's problem document."""
    return {'status_code': status, 'text': 'Bad Gateway',
            'headers': {'Content-Type': 'text/html'}}


class FailoverTestCase(base.ValenceTestCase):

    def setUp(self):
        super().setUp()
        self.config(service_url=[FIRST, SECOND], group='valence')
        self.log = self.capture_log(logging.INFO)

    def _taking(self, seconds, error):
        """An answer that fails with error after seconds of the clock."""
        def answer(request, context):
            self.clock.now += seconds
            raise error
        return {'json': answer}

    def _routes(self, path, first, second=None, method='GET'):
        """Registers the answers of path at both replicas."""
        register = getattr(self.http, method.lower())
        return (register(FIRST + path, **first) if isinstance(first, dict)
                else register(FIRST + path, first),
                register(SECOND + path, **(second or {'json': ON})))

    def _set_power(self, target, timeout=30):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.power.set_power_state(task, target, timeout=timeout)

    def test_read_moves_on_every_failure_of_the_replica(self):
        for failure in ({'exc': fake_http.refused()},
                        {'exc': urllib3.exceptions.ConnectTimeoutError('t')},
                        {'exc': fake_http.reset()},
                        {'exc': urllib3.exceptions.SSLError('bad cert')},
                        _proxy(502), _proxy(503),
                        base.problem(protocol.SERVICE_UNAVAILABLE,
                                     'stopping')):
            with self.subTest(failure=failure):
                # A fresh client, which knows no failed replica.
                utils.service_client.cache_clear()
                first, second = self._routes(POWER_PATH, failure)
                self.assertEqual(protocol.POWER_ON, self.get_power_state())
                self.assertEqual((1, 1),
                                 (first.call_count, second.call_count))
                # At once: no retry interval between replicas.
                self.assertEqual([], self.clock.slept)

    def test_read_of_a_dead_replica_is_answered_in_the_time_left(self):
        self.config(connect_timeout=10, group='valence')
        first, second = self._routes(POWER_PATH, self._taking(
            10, urllib3.exceptions.ConnectTimeoutError('timed out')))
        self.assertEqual(protocol.POWER_ON, self.get_power_state())
        # 16 s in all: 10 s spent connecting to the first, 6 s are left.
        self.assertEqual((10, 16), first.last_request.timeout)
        self.assertEqual((6, 6), second.last_request.timeout)

    def test_valence_failures_do_not_move_a_read(self):
        # Every replica talks to the same Valence: the read is tried again
        # where it was, under the read retry rules.
        first, second = self._routes(POWER_PATH, [
            base.problem(protocol.VALENCE_UNREACHABLE, 'PODM refused'),
            {'json': ON}])
        self.assertEqual(protocol.POWER_ON, self.get_power_state())
        self.assertEqual((2, 0), (first.call_count, second.call_count))
        self.assertEqual([1], self.clock.slept)

    def test_read_retried_when_every_replica_failed(self):
        first, second = self._routes(
            POWER_PATH, {'exc': fake_http.refused()},
            {'exc': fake_http.refused()})
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('Cannot reach the Valence driver service at %s'
                      % SECOND, str(error))
        self.assertEqual((3, 3), (first.call_count, second.call_count))
        self.assertEqual([1, 1], self.clock.slept)

    def test_a_failed_replica_is_tried_last_for_a_while(self):
        self.config(replica_down_seconds=20, group='valence')
        first, second = self._routes(POWER_PATH, {'exc': fake_http.refused()})
        for _ in range(3):
            self.get_power_state()
            self.clock.now += 5
        self.assertEqual((1, 3), (first.call_count, second.call_count))
        # 20 s after it failed, one call tries it in its place again.
        self.clock.now += 5
        self.get_power_state()
        self.get_power_state()
        self.assertEqual((2, 5), (first.call_count, second.call_count))

    def test_a_replica_that_answers_again_is_preferred_again(self):
        self.config(replica_down_seconds=20, group='valence')
        first, second = self._routes(POWER_PATH, [
            {'exc': fake_http.refused()}, {'json': ON}])
        self.get_power_state()
        self.clock.now += 20
        self.get_power_state()
        self.get_power_state()
        self.assertEqual((3, 1), (first.call_count, second.call_count))

    def test_one_warning_when_down_and_one_info_when_back(self):
        self.config(service_url=['http://ironic:hunter2@valence-1.test:8080',
                                 SECOND], replica_down_seconds=20,
                    group='valence')
        self.http.get('http://valence-1.test:8080' + POWER_PATH, [
            {'exc': urllib3.exceptions.ProtocolError(
                'proxy said Bearer %s' % base.TOKEN)},
            {'exc': fake_http.refused()}, {'json': ON}])
        self.http.get(SECOND + POWER_PATH, json=ON)
        for _ in range(3):
            self.get_power_state()
            self.clock.now += 20
        self.get_power_state()
        warnings = [line for line in self.log.output.splitlines()
                    if 'replica' in line and 'failed;' in line]
        back = [line for line in self.log.output.splitlines()
                if 'answers again' in line]
        self.assertEqual(1, len(warnings), self.log.output)
        self.assertIn('replica %s failed; calls try it last for 20 s'
                      % FIRST, warnings[0])
        self.assertEqual(['Valence driver service replica %s answers again'
                          % FIRST], back)
        self.assertNotIn(base.TOKEN, self.log.output)
        self.assertNotIn('hunter2', self.log.output)

    def test_power_change_not_sent_moves_with_its_timeout(self):
        for failure in ({'exc': fake_http.refused()},
                        base.problem(protocol.SERVICE_UNAVAILABLE, 'stop')):
            with self.subTest(failure=failure):
                # A fresh client, which knows no failed replica.
                utils.service_client.cache_clear()
                first, second = self._routes(POWER_PATH, failure,
                                             method='PUT')
                self._set_power(protocol.POWER_OFF, timeout=30)
                self.assertEqual({'target': protocol.POWER_OFF,
                                  'timeout': 30},
                                 second.last_request.json())

    def test_power_change_that_may_have_acted_is_sent_again(self):
        # The service reads the node first and sends nothing for a node
        # already at (or on its way to) the target; a reboot is done again
        # in full rather than reported done or failed without knowing.
        for target in protocol.SUPPORTED_POWER_STATES:
            with self.subTest(target=target):
                # A fresh client, which knows no failed replica.
                utils.service_client.cache_clear()
                first, second = self._routes(POWER_PATH, self._taking(
                    20, fake_http.reset()), method='PUT')
                self._set_power(target, timeout=30)
                self.assertEqual(1, first.call_count)
                # 30 + 1 + 5 s in all, 20 s spent: the service must answer
                # within 16 - 1 - 5 s, so that the shim still hears it.
                self.assertEqual({'target': target, 'timeout': 10},
                                 second.last_request.json())
                self.assertEqual(16, second.last_request.timeout[1])

    def test_reboot_is_replayed_whole_at_least_once(self):
        # The first replica may have rebooted the node before it died: the
        # node may be rebooted twice, but Ironic never records a reboot
        # that may not have happened.
        first, second = self._routes(POWER_PATH, self._taking(
            5, fake_http.reset()), method='PUT')
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.power.reboot(task, timeout=60)
        self.assertEqual({'target': protocol.REBOOT, 'timeout': 60},
                         first.last_request.json())
        self.assertEqual({'target': protocol.REBOOT, 'timeout': 55},
                         second.last_request.json())

    def test_power_change_without_time_for_another_replica(self):
        first, second = self._routes(POWER_PATH, self._taking(
            30, fake_http.reset()), method='PUT')
        with task_manager.acquire(self.context, self.node.uuid) as task:
            error = self.assertRaises(exception.PowerStateFailure,
                                      task.driver.power.set_power_state,
                                      task, protocol.POWER_ON, timeout=30)
        self.assertIn('Cannot reach the Valence driver service at %s'
                      % FIRST, str(error))
        self.assertIn('it was not sent to another replica: only 6.0 of the '
                      "call's 36 seconds are left, fewer than the least "
                      'timeout the service takes (1 s) plus the 6 s the '
                      'shim waits beyond it', str(error))
        self.assertFalse(second.called)

    def test_power_change_answered_by_the_service_is_not_moved(self):
        first, second = self._routes(POWER_PATH, base.problem(
            protocol.VALENCE_UNREACHABLE, 'PODM refused'), method='PUT')
        with task_manager.acquire(self.context, self.node.uuid) as task:
            self.assertRaises(exception.PowerStateFailure,
                              task.driver.power.set_power_state,
                              task, protocol.POWER_ON)
        self.assertEqual((1, 0), (first.call_count, second.call_count))

    def test_boot_device_change_is_sent_again(self):
        first, second = self._routes(
            BOOT_PATH, {'exc': fake_http.reset()},
            {'json': {'boot_device': 'pxe', 'persistent': False}},
            method='PUT')
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.management.set_boot_device(task, 'pxe')
        self.assertEqual((1, 1), (first.call_count, second.call_count))
        self.assertEqual({'boot_device': 'pxe', 'persistent': False},
                         second.last_request.json())

    def test_other_change_moves_only_when_not_sent(self):
        for failure, moves in (({'exc': fake_http.refused()}, True),
                               (base.problem(protocol.SERVICE_UNAVAILABLE,
                                             'stopping'), True),
                               ({'exc': fake_http.reset()}, False),
                               (_proxy(503), False),
                               ({'exc': fake_http.read_timeout()}, False)):
            with self.subTest(failure=failure):
                # A fresh client, which knows no failed replica.
                utils.service_client.cache_clear()
                first, second = self._routes('/v1/nodes', failure,
                                             {'json': {'node_id': 'n'}},
                                             method='POST')
                call = (utils.service_client().request, self.context,
                        'POST', '/v1/nodes', {'name': 'n'})
                if moves:
                    self.assertEqual({'node_id': 'n'}, call[0](*call[1:]))
                else:
                    self.assertRaises(exceptions.ValenceServiceError, *call)
                self.assertEqual((1, int(moves)),
                                 (first.call_count, second.call_count))

    def test_power_read_batch_moves_like_a_read(self):
        first, second = self._routes(
            '/v1/power-reads', {'exc': fake_http.reset()},
            {'json': {'nodes': {}}}, method='POST')
        self.assertEqual({'nodes': {}}, utils.service_client().request(
            self.context, 'POST', '/v1/power-reads',
            body={'nodes': [base.NODE_ID]}, read=True))
        self.assertEqual((1, 1), (first.call_count, second.call_count))

    def test_listed_order_is_preferred(self):
        first, second = self._routes(POWER_PATH, {'json': ON})
        for _ in range(3):
            self.get_power_state()
        self.assertEqual((3, 0), (first.call_count, second.call_count))


class ServiceUrlCheckTestCase(base.ValenceTestCase):

    def test_power_interface_refuses_to_load_without_a_url(self):
        self.config(service_url=[], group='valence')
        error = self.assertRaises(exception.ConfigInvalid,
                                  power.ValencePower)
        self.assertIn('[valence]service_url names no valence-driver-service',
                      str(error))

    def test_power_interface_refuses_a_url_named_twice(self):
        self.config(service_url=['http://ironic:hunter2@valence-1.test:80/',
                                 'http://VALENCE-1.test'], group='valence')
        error = self.assertRaises(exception.ConfigInvalid,
                                  power.ValencePower)
        self.assertIn('names http://valence-1.test more than once',
                      str(error))
        self.assertNotIn('hunter2', str(error))

    def test_distinct_urls_load(self):
        self.config(service_url=[FIRST, SECOND, FIRST + '/other'],
                    group='valence')
        power.ValencePower()

    def test_a_call_with_no_url_fails_clearly(self):
        self.config(service_url=[], group='valence')
        error = self.assertRaises(exceptions.InvalidConfiguration,
                                  utils.service_client)
        self.assertIn('[valence]service_url names no valence-driver-service',
                      str(error))
