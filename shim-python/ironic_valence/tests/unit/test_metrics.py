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


"""Every interface method is timed with Ironic's metrics logger.

The end-to-end run shows the same timers reaching a statsd socket from a
real Ironic; here each method is checked by name.
"""

import fixtures

from ironic.conductor import task_manager

from ironic_valence import management
from ironic_valence.tests.unit import base
from ironic_valence import utils

POWER_URL = base.NODE_URL + '/power'
BOOT_URL = base.NODE_URL + '/boot-device'

# Every method of every interface, with its arguments after the task
# (get_properties and driver_validate take none).
_METHODS = {
    'power': [('get_properties',), ('validate',), ('get_power_state',),
              ('set_power_state', 'power on'), ('reboot',),
              ('get_supported_power_states',)],
    'management': [('get_properties',), ('validate',),
                   ('get_supported_boot_devices',),
                   ('set_boot_device', 'pxe'), ('get_boot_device',),
                   ('get_mac_addresses',)]
    # Ironic releases without health monitoring never ask for it.
    + ([('get_node_health',)] if management.health_states else []),
    'vendor': [('get_properties',), ('validate',), ('get_composed_node',)],
    'inspect': [('get_properties',), ('validate',)],
}


class MetricsTestCase(base.ValenceTestCase):

    def setUp(self):
        super().setUp()
        self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.http.put(POWER_URL, json={'power_state': 'power on'})
        self.http.get(BOOT_URL, json={'boot_device': 'pxe',
                                      'persistent': None})
        self.http.put(BOOT_URL, json={'boot_device': 'pxe',
                                      'persistent': False})
        self.http.get(base.NODE_URL, json=base.composed_node())
        self.http.get(base.SERVICE_URL + '/v1/connection',
                      json={'service': {}, 'valence': {}})
        self.send_timer = self.useFixture(fixtures.MockPatchObject(
            utils.METRICS, 'send_timer')).mock

    def _timers(self, interface, method, *args):
        """The timers sent while one interface method runs."""
        self.send_timer.reset_mock()
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=False) as task:
            impl = getattr(task.driver, interface)
            if method == 'get_properties':
                impl.get_properties()
            else:
                getattr(impl, method)(task, *args)
        return [c.args[0] for c in self.send_timer.call_args_list]

    def test_every_interface_method_has_its_timer(self):
        classes = {'power': 'ValencePower',
                   'management': 'ValenceManagement',
                   'vendor': 'ValenceVendorPassthru',
                   'inspect': 'ValenceInspect'}
        for interface, methods in _METHODS.items():
            for method, *args in methods:
                with self.subTest(interface=interface, method=method):
                    self.assertIn(
                        'ironic_valence.%s.%s' % (classes[interface],
                                                  method),
                        self._timers(interface, method, *args))

    def test_reboot_times_its_steps_too(self):
        self.assertEqual(['ironic_valence.ValencePower.set_power_state',
                          'ironic_valence.ValencePower.reboot'],
                         self._timers('power', 'reboot'))

    def test_driver_vendor_passthru(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            vendor = task.driver.vendor
        vendor.driver_validate('test_connection')
        vendor.test_connection(self.context)
        self.assertEqual(
            ['ironic_valence.ValenceVendorPassthru.driver_validate',
             'ironic_valence.ValenceVendorPassthru.test_connection'],
            [c.args[0] for c in self.send_timer.call_args_list])
