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


from ironic.common import exception
from ironic.common import states
from ironic.conductor import task_manager

from ironic_valence import protocol
from ironic_valence.tests.unit import base
from ironic_valence.tests.unit import fake_http

POWER_URL = base.NODE_URL + '/power'


class PowerStatesTestCase(base.ValenceTestCase):

    def test_supported_power_states_leave_out_soft_power_off(self):
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            self.assertEqual(
                [states.POWER_ON, states.POWER_OFF, states.REBOOT,
                 states.SOFT_REBOOT],
                task.driver.power.get_supported_power_states(task))


class GetPowerStateTestCase(base.ValenceTestCase):

    def test_power_on(self):
        self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.assertEqual(states.POWER_ON, self.get_power_state())

    def test_power_off(self):
        self.http.get(POWER_URL, json={'power_state': 'power off'})
        self.assertEqual(states.POWER_OFF, self.get_power_state())

    def test_unknown_valence_state_is_error(self):
        self.http.get(POWER_URL, json={'power_state': 'error'})
        self.assertEqual(states.ERROR, self.get_power_state())

    def test_state_outside_contract_fails(self):
        self.http.get(POWER_URL, json={'power_state': 'PoweringOn'})
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn("'PoweringOn'", str(error))

    def test_composed_node_not_found(self):
        self.http.get(POWER_URL, **base.problem(
            protocol.NODE_NOT_FOUND,
            "Composed node '%s' not found in database." % base.NODE_ID))
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self.get_power_state)
        self.assertIn('composed node %s not found' % base.NODE_ID,
                      str(error))
        self.assertIn('not found in database', str(error))
        self.assertIn(base.SERVICE_REQUEST_ID, str(error))

    def test_every_other_service_error_is_power_state_failure(self):
        for code in protocol.OPERATION_ERRORS['powerState']:
            if code == protocol.NODE_NOT_FOUND:
                continue
            with self.subTest(code=code):
                self.http.get(POWER_URL, **base.problem(code, 'it broke'))
                error = self.assertRaises(exception.PowerStateFailure,
                                          self.get_power_state)
                self.assertIn('HTTP %d %s: it broke'
                              % (protocol.ERROR_STATUS[code], code),
                              str(error))
                self.assertIn(base.SERVICE_REQUEST_ID, str(error))

    def test_connection_refused_names_service_url(self):
        self.http.get(POWER_URL, exc=fake_http.refused())
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('Cannot reach the Valence driver service at %s'
                      % base.SERVICE_URL, str(error))


class SetPowerStateTestCase(base.ValenceTestCase):

    def _set_power_state(self, power_state, timeout=None):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.power.set_power_state(task, power_state,
                                              timeout=timeout)

    def test_power_on_sends_target_and_default_timeout(self):
        self.config(power_state_change_timeout=45, group='conductor')
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        self._set_power_state(states.POWER_ON)
        self.assertEqual({'target': 'power on', 'timeout': 45},
                         put.last_request.json())

    def test_ironic_timeout_is_passed_on(self):
        put = self.http.put(POWER_URL, json={'power_state': 'power off'})
        self._set_power_state(states.POWER_OFF, timeout=120)
        self.assertEqual({'target': 'power off', 'timeout': 120},
                         put.last_request.json())

    def test_read_timeout_outlasts_the_service_answer(self):
        # The service answers within the power timeout + 1 s; the shim
        # waits [valence]answer_margin more.
        self.config(answer_margin=7, connect_timeout=5, group='valence')
        put = self.http.put(POWER_URL, json={'power_state': 'power off'})
        self._set_power_state(states.POWER_OFF, timeout=120)
        self.assertEqual((5, 128), put.last_request.timeout)

    def test_reboot_read_timeout_outlasts_the_service_answer(self):
        # The service's timeout covers the whole reboot (off, then on).
        self.config(connect_timeout=5, group='valence')
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        self._set_power_state(states.REBOOT, timeout=100)
        self.assertEqual((5, 106), put.last_request.timeout)

    def test_deprecated_timeout_option_has_no_effect(self):
        self.config(timeout=300, group='valence')
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        self._set_power_state(states.POWER_ON, timeout=60)
        self.assertEqual((10, 66), put.last_request.timeout)

    def test_soft_reboot_is_answered_with_power_on(self):
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        self._set_power_state(states.SOFT_REBOOT, timeout=60)
        self.assertEqual({'target': 'soft rebooting', 'timeout': 60},
                         put.last_request.json())

    def test_soft_power_off_is_refused_without_a_call(self):
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._set_power_state,
                                  states.SOFT_POWER_OFF)
        self.assertIn('soft power off is not supported', str(error))
        self.assertFalse(self.http.called)

    def test_timeout_above_service_maximum_is_refused(self):
        error = self.assertRaises(
            exception.InvalidParameterValue, self._set_power_state,
            states.POWER_ON, timeout=protocol.POWER_TIMEOUT_MAX_SECONDS + 1)
        self.assertIn('between %d and %d seconds'
                      % (protocol.POWER_TIMEOUT_MIN_SECONDS,
                         protocol.POWER_TIMEOUT_MAX_SECONDS), str(error))
        self.assertFalse(self.http.called)

    def test_timeout_limits_are_accepted(self):
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        for timeout in (protocol.POWER_TIMEOUT_MIN_SECONDS,
                        protocol.POWER_TIMEOUT_MAX_SECONDS):
            self._set_power_state(states.POWER_ON, timeout=timeout)
            self.assertEqual(timeout, put.last_request.json()['timeout'])

    def test_zero_timeout_is_refused(self):
        self.assertRaises(exception.InvalidParameterValue,
                          self._set_power_state, states.POWER_ON, timeout=0)
        self.assertFalse(self.http.called)

    def test_answer_that_is_not_a_steady_state_fails(self):
        for answer in ('error', 'rebooting', None, 1):
            with self.subTest(answer=answer):
                self.http.put(POWER_URL, json={'power_state': answer})
                error = self.assertRaises(exception.PowerStateFailure,
                                          self._set_power_state,
                                          states.REBOOT)
                self.assertIn('outside its contract', str(error))

    def test_service_gives_up_waiting(self):
        self.http.put(POWER_URL, **base.problem(
            protocol.POWER_STATE_TIMEOUT,
            'Node did not reach power on within 60 seconds'))
        error = self.assertRaises(exception.PowerStateFailure,
                                  self._set_power_state, states.POWER_ON)
        self.assertIn('POWER_STATE_TIMEOUT: Node did not reach power on '
                      'within 60 seconds', str(error))

    def test_reversal_by_another_change_says_so(self):
        self.http.put(POWER_URL, **base.problem(
            protocol.POWER_STATE_CONFLICT,
            "node n-1 settled in 'power on' after it had begun moving to "
            "'power off': another change reversed this one"))
        error = self.assertRaises(exception.PowerStateFailure,
                                  self._set_power_state, states.POWER_OFF)
        self.assertIn('Setting power state power off of node %s failed: '
                      'another change of its power state reversed this one'
                      % self.node.uuid, str(error))
        self.assertIn("POWER_STATE_CONFLICT: node n-1 settled in 'power on'",
                      str(error))
        self.assertIn(base.SERVICE_REQUEST_ID, str(error))

    def test_composed_node_not_found(self):
        self.http.put(POWER_URL, **base.problem(protocol.NODE_NOT_FOUND,
                                                'gone'))
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._set_power_state, states.POWER_ON)
        self.assertIn('composed node %s not found' % base.NODE_ID,
                      str(error))

    def test_every_other_service_error_is_power_state_failure(self):
        for code in protocol.OPERATION_ERRORS['setPowerState']:
            if code == protocol.NODE_NOT_FOUND:
                continue
            with self.subTest(code=code):
                self.http.put(POWER_URL, **base.problem(code, 'it broke'))
                error = self.assertRaises(exception.PowerStateFailure,
                                          self._set_power_state,
                                          states.POWER_OFF)
                self.assertIn('Setting power state power off of node %s '
                              'failed' % self.node.uuid, str(error))
                self.assertIn(code + ': it broke', str(error))

    def test_service_read_timeout(self):
        self.http.put(POWER_URL, exc=fake_http.read_timeout())
        error = self.assertRaises(exception.PowerStateFailure,
                                  self._set_power_state, states.POWER_ON,
                                  timeout=10)
        self.assertIn('did not answer PUT /v1/nodes/%s/power within 16 '
                      'seconds' % base.NODE_ID, str(error))

    def test_needs_exclusive_lock(self):
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            self.assertRaises(exception.ExclusiveLockRequired,
                              task.driver.power.set_power_state, task,
                              states.POWER_ON)
        self.assertFalse(self.http.called)


class RebootTestCase(base.ValenceTestCase):
    """The service sequences a reboot (PowerPlan); the shim picks a target."""

    def _reboot(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.power.reboot(task, timeout=60)

    def test_reboot_is_one_call_whatever_the_state(self):
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        self._reboot()
        self.assertEqual({'target': 'rebooting', 'timeout': 60},
                         put.last_request.json())
        self.assertEqual(['PUT'],
                         [r.method for r in self.http.request_history])

    def test_node_that_must_not_power_off_restarts_gracefully(self):
        self.node.disable_power_off = True
        self.node.save()
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        self._reboot()
        self.assertEqual({'target': 'soft rebooting', 'timeout': 60},
                         put.last_request.json())

    def test_service_failure_fails_the_reboot(self):
        self.http.put(POWER_URL, **base.problem(protocol.VALENCE_UNREACHABLE,
                                                'PODM down'))
        error = self.assertRaises(exception.PowerStateFailure, self._reboot)
        self.assertIn('VALENCE_UNREACHABLE: PODM down', str(error))
