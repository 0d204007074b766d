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


"""The driver as Ironic's driver factory loads it from the entry points."""

from ironic.common import context as ironic_context
from ironic.common import driver_factory
from ironic.common import exception
from ironic.common import states
from ironic.conductor import task_manager
from ironic.conductor import verify
from ironic.drivers.modules import noop
from ironic.drivers.modules import noop_mgmt
from ironic import objects
from ironic.tests.unit.objects import utils as obj_utils

from ironic_valence import hardware
from ironic_valence import inspect
from ironic_valence import management
from ironic_valence import power
from ironic_valence import protocol
from ironic_valence.tests.unit import base
from ironic_valence.tests.unit import fake_http
from ironic_valence import vendor

VALENCE_INTERFACES = {
    'power': power.ValencePower,
    'management': management.ValenceManagement,
    'vendor': vendor.ValenceVendorPassthru,
    'inspect': inspect.ValenceInspect,
}


class HardwareTypeTestCase(base.ValenceTestCase):

    def test_hardware_type_entry_point(self):
        self.assertIsInstance(driver_factory.get_hardware_type('valence'),
                              hardware.ValenceHardware)
        self.assertIn('valence', driver_factory.hardware_types())

    def test_interface_entry_points(self):
        hw_type = driver_factory.get_hardware_type('valence')
        for interface_type, cls in VALENCE_INTERFACES.items():
            with self.subTest(interface=interface_type):
                self.assertIsInstance(
                    driver_factory.get_interface(hw_type, interface_type,
                                                 'valence'), cls)

    def test_valence_interfaces_are_the_defaults(self):
        hw_type = driver_factory.get_hardware_type('valence')
        for interface_type in VALENCE_INTERFACES:
            with self.subTest(interface=interface_type):
                self.assertEqual('valence', driver_factory.default_interface(
                    hw_type, interface_type))

    def test_node_gets_valence_interfaces(self):
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            for interface_type, cls in VALENCE_INTERFACES.items():
                with self.subTest(interface=interface_type):
                    self.assertIsInstance(getattr(task.driver,
                                                  interface_type), cls)

    def test_noop_alternatives(self):
        self.config(enabled_management_interfaces=['valence', 'noop'])
        node = obj_utils.create_test_node(
            self.context, uuid='1be26c0b-0000-4d2e-ae87-c02d7f33c123',
            driver='valence', vendor_interface='no-vendor',
            inspect_interface='no-inspect', management_interface='noop',
            driver_info={'valence_node_id': base.NODE_ID})
        with task_manager.acquire(self.context, node.uuid,
                                  shared=True) as task:
            self.assertIsInstance(task.driver.vendor, noop.NoVendor)
            self.assertIsInstance(task.driver.inspect, noop.NoInspect)
            self.assertIsInstance(task.driver.management,
                                  noop_mgmt.NoopManagement)

    def test_not_loaded_unless_enabled(self):
        self.config(enabled_hardware_types=['fake-hardware'])
        self.assertRaises(exception.DriverNotFound,
                          driver_factory.get_hardware_type, 'valence')


def power_read(composition_state='Assembled', **changes):
    """The service's GET /v1/nodes/{id}/power answer."""
    return dict({'power_state': protocol.POWER_OFF, 'health': 'OK',
                 'composition_state': composition_state,
                 'name': 'composed-1'}, **changes)


class ManageTestCase(base.ValenceTestCase):
    """`baremetal node manage` verifies the node.

    Power validate first, then a power state read, then the power
    interface's verify step, which checks the composed node and records it.
    """

    def setUp(self):
        super().setUp()
        self.node.provision_state = states.VERIFYING
        self.node.target_provision_state = states.MANAGEABLE
        self.node.power_state = states.NOSTATE
        self.node.save()
        self.context = ironic_context.RequestContext(user_id='u-operator')

    def _manage(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            verify.do_node_verify(task)
        self.node.refresh()

    def _history(self):
        return [(entry.severity, entry.event_type, entry.event, entry.user)
                for entry in objects.NodeHistory.list_by_node_id(
                    self.context, self.node.id)]

    def test_existing_composed_node_becomes_manageable(self):
        read = self.http.get(base.NODE_URL + '/power', json=power_read())
        self._manage()
        self.assertEqual(states.MANAGEABLE, self.node.provision_state)
        self.assertEqual(states.POWER_OFF, self.node.power_state)
        self.assertIsNone(self.node.last_error)
        self.assertEqual([('INFO', 'valence', 'Drives Valence node %s named '
                           'composed-1' % base.NODE_ID, 'u-operator')],
                         self._history())
        # The power read answers the verify step and the health read.
        self.assertEqual(1, read.call_count)
        self.assertEqual(1, self.http.call_count)

    def test_an_older_services_power_read_costs_one_node_read(self):
        # A service from before the power read carried the name.
        read = self.http.get(base.NODE_URL + '/power',
                             json={'power_state': protocol.POWER_OFF,
                                   'health': 'OK',
                                   'composition_state': 'Assembled'})
        document = self.http.get(base.NODE_URL, json=dict(
            power_read(), name='older-1'))
        self._manage()
        self.assertEqual(states.MANAGEABLE, self.node.provision_state)
        self.assertEqual([('INFO', 'valence', 'Drives Valence node %s named '
                           'older-1' % base.NODE_ID, 'u-operator')],
                         self._history())
        self.assertEqual(1, read.call_count)
        self.assertEqual(1, document.call_count)

    def test_verify_step_runs_when_ironic_verifies(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            steps = task.driver.power.get_verify_steps(task)
        self.assertEqual([{'step': 'check_composed_node',
                           'priority': power.VERIFY_PRIORITY,
                           'interface': 'power'}], steps)
        self.assertGreater(power.VERIFY_PRIORITY, 0)

    def test_composed_node_not_assembled_fails_verification(self):
        read = self.http.get(base.NODE_URL + '/power',
                             json=power_read('Allocated'))
        self._manage()
        self.assertEqual(states.ENROLL, self.node.provision_state)
        self.assertIn('Valence composed node %s is Allocated, not Assembled'
                      % base.NODE_ID, self.node.last_error)
        self.assertEqual(1, read.call_count)
        self.assertNotIn('Drives Valence node',
                         str([entry[2] for entry in self._history()]))

    def test_failed_composition_fails_verification_once(self):
        read = self.http.get(base.NODE_URL + '/power',
                             json=power_read('Failed'))
        self._manage()
        self.assertEqual(states.ENROLL, self.node.provision_state)
        self.assertIn('Failed to get power state', self.node.last_error)
        self.assertIn('is in composition state Failed', self.node.last_error)
        self.assertEqual(1, read.call_count)

    def test_service_down_fails_verification_with_its_cause(self):
        self.config(read_attempts=1, group='valence')
        read = self.http.get(base.NODE_URL + '/power',
                             exc=fake_http.refused())
        self._manage()
        self.assertEqual(states.ENROLL, self.node.provision_state)
        self.assertIn('Failed to get power state', self.node.last_error)
        self.assertIn('Cannot reach the Valence driver service',
                      self.node.last_error)
        self.assertEqual(1, read.call_count)
        self.assertNotIn('Drives Valence node', str(self._history()))

    def test_unknown_composed_node_says_not_found(self):
        self.http.get(base.NODE_URL + '/power', **base.problem(
            protocol.NODE_NOT_FOUND,
            "Composed node '%s' not found in database." % base.NODE_ID))
        self._manage()
        self.assertEqual(states.ENROLL, self.node.provision_state)
        self.assertIn('Failed to get power state for node %s' %
                      self.node.uuid, self.node.last_error)
        self.assertIn('composed node %s not found' % base.NODE_ID,
                      self.node.last_error)
        self.assertNotIn('Drives Valence node', str(self._history()))

    def test_bad_node_id_fails_before_any_call(self):
        self.node.driver_info = {'valence_node_id': '../pod_managers'}
        self.node.save()
        self._manage()
        self.assertEqual(states.ENROLL, self.node.provision_state)
        self.assertIn('Failed to validate power driver interface',
                      self.node.last_error)
        self.assertFalse(self.http.called)
