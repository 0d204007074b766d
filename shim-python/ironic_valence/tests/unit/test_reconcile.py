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

"""A composed node gone from Valence: the power sync's maintenance."""

import inspect

from ironic.common import exception
from ironic.common import faults
from ironic.common import states
from ironic.conductor import manager
from ironic.conductor import task_manager

from ironic_valence import protocol
from ironic_valence.tests.unit import base

POWER_URL = base.NODE_URL + '/power'
GONE = base.problem(protocol.NODE_NOT_FOUND,
                    "Composed node '%s' not found in database." % base.NODE_ID)


class SyncTestCase(base.ValenceTestCase):
    """An available node, and Ironic's own periodic tasks to run on it."""

    def setUp(self):
        super().setUp()
        self.node.provision_state = states.AVAILABLE
        self.node.power_state = states.POWER_ON
        self.node.save()

    def sync(self):
        """One cycle of Ironic's own power sync of the node."""
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            return manager.do_sync_power_state(task, 0)

    def assert_first_sync_sets_maintenance(self, reason):
        # One failed read counted by Ironic, and maintenance already.
        self.assertEqual(1, self.sync())
        self.node.refresh()
        self.assertTrue(self.node.maintenance)
        self.assertEqual(faults.POWER_FAILURE, self.node.fault)
        self.assertEqual(reason, self.node.maintenance_reason)

    def recover(self):
        """One run of Ironic's own power failure recovery for the node."""
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            inspect.unwrap(manager.ConductorManager._power_failure_recovery)(
                None, task, self.context)


class GoneComposedNodeTestCase(SyncTestCase):

    def test_first_sync_puts_the_node_into_maintenance_naming_it(self):
        self.http.get(POWER_URL, **GONE)

        self.assert_first_sync_sets_maintenance(
            'Valence composed node %s is gone: Valence does not know it '
            '(NODE_NOT_FOUND). The node leaves maintenance by itself once '
            'Valence has it again.' % base.NODE_ID)
        self.assertEqual(states.POWER_ON, self.node.power_state)

    def test_reason_of_a_composed_node_released_by_cleaning(self):
        self.node.provision_state = states.MANAGEABLE
        self.node.retired = True
        self.node.set_driver_internal_info('valence_released_node_id',
                                           base.NODE_ID)
        self.node.save()
        self.http.get(POWER_URL, **GONE)

        self.assert_first_sync_sets_maintenance(
            'Valence composed node %s was released by the cleaning of this '
            'retired node: delete the Ironic node.' % base.NODE_ID)

    def test_operators_maintenance_is_left_alone(self):
        self.node.maintenance = True
        self.node.maintenance_reason = 'replacing a DIMM'
        self.node.save()
        self.http.get(POWER_URL, **GONE)

        self.assertRaises(exception.InvalidParameterValue,
                          self.get_power_state)

        self.node.refresh()
        self.assertEqual('replacing a DIMM', self.node.maintenance_reason)
        self.assertIsNone(self.node.fault)

    def test_exclusive_task_does_not_touch_maintenance(self):
        # A power action or a deploy fails on its own error instead.
        self.http.get(POWER_URL, **GONE)

        self.assertRaises(exception.InvalidParameterValue, self.call,
                          'power', 'get_power_state', shared=False)

        self.node.refresh()
        self.assertFalse(self.node.maintenance)

    def test_enrolled_node_is_not_put_into_maintenance(self):
        # Ironic never recovers an enroll node from a power failure.
        self.node.provision_state = states.ENROLL
        self.node.save()
        self.http.get(POWER_URL, **GONE)

        self.assertRaises(exception.InvalidParameterValue,
                          self.get_power_state)

        self.node.refresh()
        self.assertFalse(self.node.maintenance)

    def test_bad_driver_info_is_no_gone_composed_node(self):
        # Both are InvalidParameterValue; only Valence's answer is "gone".
        self.node.driver_info = {'valence_node_id': '../pod_managers'}
        self.node.save()

        self.assertRaises(exception.InvalidParameterValue,
                          self.get_power_state)

        self.node.refresh()
        self.assertFalse(self.node.maintenance)
        self.assertFalse(self.http.called)

    def test_other_failures_stay_ironics_retries(self):
        self.http.get(POWER_URL, **base.problem(protocol.VALENCE_UNREACHABLE,
                                                'Valence is down'))

        self.assertEqual(1, self.sync())

        self.node.refresh()
        self.assertFalse(self.node.maintenance)

    def test_recovery_takes_the_node_out_once_valence_has_it_again(self):
        self.http.get(POWER_URL, **GONE)
        self.sync()
        self.recover()
        self.node.refresh()
        self.assertTrue(self.node.maintenance)

        self.http.get(POWER_URL, json={'power_state': 'power off'})
        self.recover()

        self.node.refresh()
        self.assertFalse(self.node.maintenance)
        self.assertIsNone(self.node.maintenance_reason)
        self.assertIsNone(self.node.fault)
        self.assertEqual(states.POWER_OFF, self.node.power_state)


FAILED_READ = {'power_state': 'power on', 'health': 'OK',
               'composition_state': protocol.COMPOSITION_STATE_FAILED}


class FailedComposedNodeTestCase(SyncTestCase):
    """The same path for a composed node in Valence's Failed state."""

    def test_first_sync_puts_the_node_into_maintenance_naming_it(self):
        self.http.get(POWER_URL, json=FAILED_READ)

        self.assert_first_sync_sets_maintenance(
            'Valence composed node %s is in composition state Failed. The '
            'node leaves maintenance by itself once the composed node is no '
            'longer Failed.' % base.NODE_ID)

    def test_exclusive_task_fails_without_maintenance(self):
        self.http.get(POWER_URL, json=FAILED_READ)

        error = self.assertRaises(exception.PowerStateFailure, self.call,
                                  'power', 'get_power_state', shared=False)

        self.assertIn('composition state Failed', str(error))
        self.node.refresh()
        self.assertFalse(self.node.maintenance)

    def test_recovery_once_no_longer_failed(self):
        self.http.get(POWER_URL, json=FAILED_READ)
        self.sync()
        self.recover()
        self.node.refresh()
        self.assertTrue(self.node.maintenance)

        self.http.get(POWER_URL, json=dict(FAILED_READ,
                                           composition_state='Assembled'))
        self.recover()

        self.node.refresh()
        self.assertFalse(self.node.maintenance)
        self.assertIsNone(self.node.fault)
