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

"""The shim's use of protocol.py's words; the Java suite checks its side."""

from ironic.common import boot_devices
from ironic.common import states

from ironic_valence import inspect
from ironic_valence import management
from ironic_valence import protocol
from ironic_valence.tests.unit import base


class ProtocolTestCase(base.ValenceTestCase):

    def test_power_words_are_ironics(self):
        self.assertEqual(
            (states.POWER_ON, states.POWER_OFF, states.REBOOT,
             states.SOFT_REBOOT, states.SOFT_POWER_OFF, states.ERROR),
            (protocol.POWER_ON, protocol.POWER_OFF, protocol.REBOOT,
             protocol.SOFT_REBOOT, protocol.SOFT_POWER_OFF,
             protocol.POWER_ERROR))

    def test_boot_devices_are_ironics(self):
        self.assertEqual((boot_devices.PXE, boot_devices.DISK),
                         protocol.SUPPORTED_BOOT_DEVICES)

    def test_every_health_word_maps_to_an_ironic_health_state(self):
        if not management.health_states:
            self.skipTest('this Ironic has no health states')
        self.assertEqual(
            list(protocol.HEALTH_STATES),
            [state.value for state in management._HEALTH.values()])

    def test_inspection_reads_inventory_keys_of_the_protocol(self):
        self.assertLessEqual(set(inspect._REQUIRED),
                             set(protocol.INVENTORY_KEYS))

    def test_operation_errors_are_known_codes(self):
        for operation, codes in protocol.OPERATION_ERRORS.items():
            with self.subTest(operation=operation):
                self.assertLessEqual(set(codes), set(protocol.ERROR_CODES))
                self.assertEqual(len(codes), len(set(codes)))

    def test_every_code_is_answered_by_some_operation_or_route(self):
        answered = set(protocol.ROUTE_ERRORS)
        for codes in protocol.OPERATION_ERRORS.values():
            answered.update(codes)
        self.assertEqual(set(protocol.ERROR_CODES), answered)
