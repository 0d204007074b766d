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


import testtools

from ironic.common import boot_devices
from ironic.common import context
from ironic.common import exception
from ironic.common import states
from ironic.conductor import task_manager
from ironic import objects

from ironic_valence import management
from ironic_valence import protocol
from ironic_valence.tests.unit import base

BOOT_URL = base.NODE_URL + '/boot-device'


class ManagementTestCase(base.ValenceTestCase):

    def _call(self, method, *args, **kwargs):
        return self.call('management', method, *args, **kwargs)

    def test_protocol_boot_devices_are_ironic_boot_devices(self):
        self.assertEqual((boot_devices.PXE, boot_devices.DISK),
                         protocol.SUPPORTED_BOOT_DEVICES)

    def test_supported_boot_devices(self):
        self.assertEqual([boot_devices.PXE, boot_devices.DISK],
                         self._call('get_supported_boot_devices'))
        self.assertFalse(self.http.called)

    def test_set_boot_device_once(self):
        put = self.http.put(BOOT_URL, json={'boot_device': 'pxe',
                                            'persistent': False})
        self._call('set_boot_device', boot_devices.PXE, shared=False)
        self.assertEqual({'boot_device': 'pxe', 'persistent': False},
                         put.last_request.json())

    def test_set_boot_device_persistent(self):
        put = self.http.put(BOOT_URL, json={'boot_device': 'disk',
                                            'persistent': True})
        self._call('set_boot_device', boot_devices.DISK, persistent=True,
                   shared=False)
        self.assertEqual({'boot_device': 'disk', 'persistent': True},
                         put.last_request.json())

    def test_set_unsupported_boot_device_without_a_call(self):
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._call, 'set_boot_device',
                                  boot_devices.CDROM, shared=False)
        self.assertIn('Invalid boot device cdrom specified, supported are '
                      'pxe, disk', str(error))
        self.assertFalse(self.http.called)

    def test_set_boot_device_needs_exclusive_lock(self):
        self.assertRaises(exception.ExclusiveLockRequired, self._call,
                          'set_boot_device', boot_devices.PXE)
        self.assertFalse(self.http.called)

    def test_set_boot_device_answered_with_another_device(self):
        self.http.put(BOOT_URL, json={'boot_device': 'disk',
                                      'persistent': False})
        error = self.assertRaises(exception.DriverOperationError,
                                  self._call, 'set_boot_device',
                                  boot_devices.PXE, shared=False)
        self.assertIn('outside its contract', str(error))

    def test_set_boot_device_composed_node_not_found(self):
        self.http.put(BOOT_URL, **base.problem(protocol.NODE_NOT_FOUND,
                                               'gone'))
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._call, 'set_boot_device',
                                  boot_devices.PXE, shared=False)
        self.assertIn('composed node %s not found' % base.NODE_ID,
                      str(error))

    def test_set_boot_device_every_other_service_error(self):
        for code in protocol.OPERATION_ERRORS['setBootDevice']:
            if code == protocol.NODE_NOT_FOUND:
                continue
            with self.subTest(code=code):
                self.http.put(BOOT_URL, **base.problem(code, 'it broke'))
                error = self.assertRaises(exception.DriverOperationError,
                                          self._call, 'set_boot_device',
                                          boot_devices.DISK, shared=False)
                self.assertIn('Setting boot device disk of node %s failed'
                              % self.node.uuid, str(error))
                self.assertIn(code + ': it broke', str(error))

    def test_get_boot_device(self):
        for device in (boot_devices.PXE, boot_devices.DISK, None):
            with self.subTest(device=device):
                self.http.get(BOOT_URL, json={'boot_device': device,
                                              'persistent': None})
                self.assertEqual({'boot_device': device, 'persistent': None},
                                 self._call('get_boot_device'))

    def test_get_boot_device_outside_contract(self):
        self.http.get(BOOT_URL, json={'boot_device': 'Hdd',
                                      'persistent': None})
        error = self.assertRaises(exception.DriverOperationError,
                                  self._call, 'get_boot_device')
        self.assertIn("'Hdd'", str(error))

    def test_get_boot_device_every_service_error(self):
        for code in protocol.OPERATION_ERRORS['bootDevice']:
            expected = (exception.InvalidParameterValue
                        if code == protocol.NODE_NOT_FOUND
                        else exception.DriverOperationError)
            with self.subTest(code=code):
                self.http.get(BOOT_URL, **base.problem(code, 'it broke'))
                self.assertRaises(expected, self._call, 'get_boot_device')

    def test_no_sensors(self):
        self.assertRaises(NotImplementedError, self._call,
                          'get_sensors_data')
        self.assertFalse(self.http.called)

    def test_boot_mode_is_not_supported(self):
        self.assertRaises(exception.UnsupportedDriverExtension, self._call,
                          'get_boot_mode')

    def test_mac_addresses(self):
        self.http.get(base.NODE_URL, json=base.composed_node())
        self.assertEqual(['52:54:00:aa:bb:01', '52:54:00:aa:bb:02'],
                         self._call('get_mac_addresses'))

    def test_mac_addresses_outside_contract(self):
        self.http.get(base.NODE_URL, json=base.composed_node(macs=None))
        self.assertRaises(exception.DriverOperationError, self._call,
                          'get_mac_addresses')

    def test_mac_addresses_that_are_not_strings_are_outside_contract(self):
        self.http.get(base.NODE_URL, json=base.composed_node(macs=[1]))
        self.assertRaises(exception.DriverOperationError, self._call,
                          'get_mac_addresses')

    def test_mac_addresses_composed_node_not_found(self):
        self.http.get(base.NODE_URL, **base.problem(protocol.NODE_NOT_FOUND,
                                                    'gone'))
        self.assertRaises(exception.InvalidParameterValue, self._call,
                          'get_mac_addresses')


@testtools.skipIf(management.health_states is None,
                  'this Ironic release has no health monitoring')
class NodeHealthTestCase(base.ValenceTestCase):

    def test_node_health(self):
        states = management.health_states.HealthState
        for health, expected in (('OK', states.OK),
                                 ('Warning', states.WARNING),
                                 ('Critical', states.CRITICAL),
                                 (None, None)):
            with self.subTest(health=health):
                node = base.composed_node()
                node['health'] = health
                self.http.get(base.NODE_URL, json=node)
                self.assertEqual(expected,
                                 self.call('management', 'get_node_health'))

    def _sync_power_and_health(self, between=None):
        """Power read then health read in one task, as Ironic's sync does."""
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=False) as task:
            power = task.driver.power.get_power_state(task)
            if between:
                between(task)
            return power, task.driver.management.get_node_health(task)

    def test_power_read_answers_the_health_read_of_the_same_task(self):
        self.http.get(base.NODE_URL + '/power',
                      json={'power_state': 'power on', 'health': 'Warning'})
        power, health = self._sync_power_and_health()
        self.assertEqual(states.POWER_ON, power)
        self.assertEqual(management.health_states.HealthState.WARNING,
                         health)
        self.assertEqual(1, self.http.call_count)

    def test_health_read_asks_the_service_once_the_power_read_is_used(self):
        self.http.get(base.NODE_URL + '/power',
                      json={'power_state': 'power on', 'health': 'OK'})
        node = base.composed_node()
        node['health'] = 'Critical'
        self.http.get(base.NODE_URL, json=node)
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.power.get_power_state(task)
            first = task.driver.management.get_node_health(task)
            second = task.driver.management.get_node_health(task)
        health = management.health_states.HealthState
        self.assertEqual((health.OK, health.CRITICAL), (first, second))
        self.assertEqual(2, self.http.call_count)

    def test_power_change_drops_the_power_read(self):
        self.http.get(base.NODE_URL + '/power',
                      json={'power_state': 'power on', 'health': 'OK'})
        self.http.put(base.NODE_URL + '/power',
                      json={'power_state': 'power off'})
        node = base.composed_node()
        node['health'] = 'Critical'
        self.http.get(base.NODE_URL, json=node)
        _power, health = self._sync_power_and_health(
            between=lambda task: task.driver.power.set_power_state(
                task, states.POWER_OFF))
        self.assertEqual(management.health_states.HealthState.CRITICAL,
                         health)
        self.assertEqual(base.NODE_URL, self.http.last_request.url)

    def test_power_read_without_health_is_not_used(self):
        # A service from before the power read carried the health.
        self.http.get(base.NODE_URL + '/power',
                      json={'power_state': 'power on'})
        node = base.composed_node()
        node['health'] = 'OK'
        self.http.get(base.NODE_URL, json=node)
        _power, health = self._sync_power_and_health()
        self.assertEqual(management.health_states.HealthState.OK, health)
        self.assertEqual(2, self.http.call_count)

    def test_node_health_outside_contract(self):
        node = base.composed_node()
        node['health'] = 'Degraded'
        self.http.get(base.NODE_URL, json=node)
        self.assertRaises(exception.DriverOperationError, self.call,
                          'management', 'get_node_health')


class ReleaseComposedNodeTestCase(base.ValenceTestCase):
    """The clean step that decomposes a retired node's composed node."""

    def setUp(self):
        super().setUp()
        self.node.provision_state = states.CLEANING
        self.node.retired = True
        self.node.save()

    def _release(self):
        self.call('management', 'release_composed_node', shared=False)
        self.node.refresh()

    def _history(self):
        return [(record.severity, record.event_type, record.event)
                for record in objects.NodeHistory.list_by_node_id(
                    self.context, self.node.id)]

    def test_is_a_manual_out_of_band_clean_step(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            steps = task.driver.management.get_clean_steps(task)
        self.assertEqual([{'step': 'release_composed_node', 'priority': 0,
                           'interface': 'management', 'abortable': False,
                           'argsinfo': None, 'requires_ramdisk': False}],
                         steps)

    def test_decomposes_and_records_it(self):
        delete = self.http.delete(base.NODE_URL, status_code=204)

        self._release()

        self.assertEqual(1, delete.call_count)
        self.assertEqual([('INFO', 'cleaning',
                           'Valence composed node %s was decomposed: its '
                           'hardware is back in Valence\'s pools. Delete the '
                           'retired Ironic node %s next.'
                           % (base.NODE_ID, self.node.uuid))],
                         self._history())
        self.assertIsNone(self.node.last_error)
        self.assertEqual(base.NODE_ID, self.node.driver_internal_info[
            'valence_released_node_id'])

    def test_records_who_released_it(self):
        self.http.delete(base.NODE_URL, status_code=204)
        self.context = context.RequestContext(user_id='u-admin',
                                              is_admin=True)

        self._release()

        [record] = objects.NodeHistory.list_by_node_id(self.context,
                                                       self.node.id)
        self.assertEqual('u-admin', record.user)

    def test_a_composed_node_already_gone_counts_as_released(self):
        self.http.delete(base.NODE_URL,
                         **base.problem(protocol.NODE_NOT_FOUND, 'gone'))

        self._release()

        self.assertIn('was already gone; it counts as released',
                      self._history()[0][2])

    def test_refused_for_a_node_that_is_not_retired(self):
        self.node.retired = False
        self.node.save()

        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._release)

        self.assertIn('Node %s is not retired' % self.node.uuid, str(error))
        self.assertIn('nothing was done', str(error))
        self.assertFalse(self.http.called)
        self.assertEqual([], self._history())

    def test_failure_says_the_ironic_node_is_kept_and_not_released(self):
        self.http.delete(base.NODE_URL, **base.problem(
            protocol.VALENCE_ERROR, 'PODM said no'))

        error = self.assertRaises(exception.DriverOperationError,
                                  self._release)

        self.assertIn('Releasing Valence composed node %s of node %s '
                      'failed' % (base.NODE_ID, self.node.uuid), str(error))
        self.assertIn('PODM said no', str(error))
        self.assertIn('The Ironic node is kept, retired, and its composed '
                      'node is not known to be released', str(error))
        self.assertNotIn('valence_released_node_id',
                         self.node.driver_internal_info)
