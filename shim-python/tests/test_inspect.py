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
from ironic.conductor import inspection
from ironic.conductor import task_manager
from ironic import objects
from ironic.tests.unit.objects import utils as obj_utils

from ironic_valence import protocol
from tests import base

MACS = ['52:54:00:aa:bb:01', '52:54:00:aa:bb:02']


class InspectTestCase(base.ValenceTestCase):

    def setUp(self):
        super().setUp()
        self.node.properties = {}
        self.node.save()

    def _inspect(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            return task.driver.inspect.inspect_hardware(task)

    def _ports(self):
        return sorted(port.address for port in
                      objects.Port.list_by_node_id(self.context,
                                                   self.node.id))

    def test_sets_properties_and_returns_manageable(self):
        self.http.get(base.NODE_URL, json=base.composed_node())
        self.assertEqual(states.MANAGEABLE, self._inspect())
        self.node.refresh()
        self.assertEqual({'cpus': 16, 'memory_mb': 32768,
                          'cpu_arch': 'x86_64'}, self.node.properties)

    def test_local_gb_set_by_the_operator_is_kept(self):
        self.node.properties = {'local_gb': 100, 'capabilities': 'a:b'}
        self.node.save()
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        self.node.refresh()
        self.assertEqual({'local_gb': 100, 'capabilities': 'a:b',
                          'cpus': 16, 'memory_mb': 32768,
                          'cpu_arch': 'x86_64'}, self.node.properties)

    def test_creates_a_port_per_mac(self):
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        self.assertEqual(MACS, self._ports())

    def test_skips_existing_ports(self):
        obj_utils.create_test_port(self.context, node_id=self.node.id,
                                   address=MACS[1])
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        self.assertEqual(MACS, self._ports())

    def test_no_nics(self):
        self.http.get(base.NODE_URL, json=base.composed_node(macs=[]))
        self.assertEqual(states.MANAGEABLE, self._inspect())
        self.assertEqual([], self._ports())

    def test_stores_inventory(self):
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        stored = objects.NodeInventory.get_by_node_id(self.context,
                                                      self.node.id)
        self.assertEqual(
            {'cpu': {'count': 16, 'architecture': 'x86_64'},
             'memory': {'physical_mb': 32768},
             'interfaces': [{'mac_address': MACS[0]},
                            {'mac_address': MACS[1]}]},
            stored.inventory_data)

    def test_cpu_count_unknown(self):
        self.http.get(base.NODE_URL, json=base.composed_node(cpus=None))
        self._inspect()
        self.node.refresh()
        self.assertEqual({'memory_mb': 32768, 'cpu_arch': 'x86_64'},
                         self.node.properties)

    def test_memory_unknown_fails(self):
        self.http.get(base.NODE_URL, json=base.composed_node(memory_mb=None))
        error = self.assertRaises(exception.HardwareInspectionFailure,
                                  self._inspect)
        self.assertIn('Valence reports no memory_mb for node %s'
                      % self.node.uuid, str(error))
        self.node.refresh()
        self.assertEqual({}, self.node.properties)
        self.assertEqual([], self._ports())

    def test_memory_and_arch_unknown_fails(self):
        self.http.get(base.NODE_URL, json=base.composed_node(
            memory_mb=None, cpu_arch=None))
        error = self.assertRaises(exception.HardwareInspectionFailure,
                                  self._inspect)
        self.assertIn('no memory_mb, cpu_arch', str(error))

    def test_inventory_outside_contract(self):
        for field, value in (('cpus', '16'), ('cpus', 0), ('cpus', True),
                             ('memory_mb', -1), ('cpu_arch', 64),
                             ('macs', None), ('macs', [1])):
            with self.subTest(field=field, value=value):
                self.http.get(base.NODE_URL,
                              json=base.composed_node(**{field: value}))
                error = self.assertRaises(
                    exception.HardwareInspectionFailure, self._inspect)
                self.assertIn('outside its contract', str(error))
        self.assertEqual([], self._ports())

    def test_no_inventory(self):
        node = base.composed_node()
        del node['inventory']
        self.http.get(base.NODE_URL, json=node)
        self.assertRaises(exception.HardwareInspectionFailure, self._inspect)

    def test_composed_node_not_found(self):
        self.http.get(base.NODE_URL, **base.problem(protocol.NODE_NOT_FOUND,
                                                    'gone'))
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._inspect)
        self.assertIn('composed node %s not found' % base.NODE_ID,
                      str(error))

    def test_every_other_service_error(self):
        for code in protocol.ERROR_CODES:
            if code == protocol.NODE_NOT_FOUND:
                continue
            with self.subTest(code=code):
                self.http.get(base.NODE_URL, **base.problem(code, 'it broke'))
                error = self.assertRaises(
                    exception.HardwareInspectionFailure, self._inspect)
                self.assertIn('Reading the composed node of node %s failed'
                              % self.node.uuid, str(error))
                self.assertIn(code + ': it broke', str(error))


class ConductorInspectionTestCase(base.ValenceTestCase):
    """`baremetal node inspect` as Ironic's conductor runs it."""

    def setUp(self):
        super().setUp()
        self.node.provision_state = states.INSPECTING
        self.node.target_provision_state = states.MANAGEABLE
        self.node.save()

    def _inspect(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            inspection.inspect_hardware(task)

    def test_node_becomes_manageable(self):
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        self.node.refresh()
        self.assertEqual(states.MANAGEABLE, self.node.provision_state)
        self.assertIsNone(self.node.last_error)

    def test_failure_lands_in_inspect_failed_with_the_reason(self):
        self.http.get(base.NODE_URL, **base.problem(
            protocol.VALENCE_UNREACHABLE, 'PODM at 10.0.0.5 refused'))
        self.assertRaises(exception.HardwareInspectionFailure, self._inspect)
        self.node.refresh()
        self.assertEqual(states.INSPECTFAIL, self.node.provision_state)
        self.assertIn('PODM at 10.0.0.5 refused', self.node.last_error)
