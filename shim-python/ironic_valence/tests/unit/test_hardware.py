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

from ironic.common import driver_factory
from ironic.common import exception
from ironic.common import states
from ironic.conductor import task_manager
from ironic.conductor import verify
from ironic.drivers.modules import noop
from ironic.drivers.modules import noop_mgmt
from ironic.tests.unit.objects import utils as obj_utils

from ironic_valence import hardware
from ironic_valence import inspect
from ironic_valence import management
from ironic_valence import power
from ironic_valence import protocol
from ironic_valence.tests.unit import base
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


class ManageTestCase(base.ValenceTestCase):
    """`baremetal node manage` verifies the node.

    Power validate first, then a power state read.
    """

    def setUp(self):
        super().setUp()
        self.node.provision_state = states.VERIFYING
        self.node.target_provision_state = states.MANAGEABLE
        self.node.power_state = states.NOSTATE
        self.node.save()

    def _manage(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            verify.do_node_verify(task)
        self.node.refresh()

    def test_existing_composed_node_becomes_manageable(self):
        self.http.get(base.NODE_URL + '/power',
                      json={'power_state': 'power off'})
        self._manage()
        self.assertEqual(states.MANAGEABLE, self.node.provision_state)
        self.assertEqual(states.POWER_OFF, self.node.power_state)
        self.assertIsNone(self.node.last_error)

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

    def test_bad_node_id_fails_before_any_call(self):
        self.node.driver_info = {'valence_node_id': '../pod_managers'}
        self.node.save()
        self._manage()
        self.assertEqual(states.ENROLL, self.node.provision_state)
        self.assertIn('Failed to validate power driver interface',
                      self.node.last_error)
        self.assertFalse(self.http.called)
