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


import fixtures

from ironic.common import exception
from ironic.common import states
from ironic.conductor import inspection
from ironic.conductor import task_manager
from ironic.drivers.modules import inspect_utils
from ironic import objects
from ironic.tests.unit.objects import utils as obj_utils

from ironic_valence import inspect
from ironic_valence import protocol
from ironic_valence.tests.unit import base
from ironic_valence import utils

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

    def test_local_gb_from_valence(self):
        self.http.get(base.NODE_URL, json=base.composed_node(local_gb=446))
        warning = self.useFixture(fixtures.MockPatchObject(
            inspect.LOG, 'warning')).mock
        self._inspect()
        self.node.refresh()
        self.assertEqual({'cpus': 16, 'memory_mb': 32768, 'local_gb': 446,
                          'cpu_arch': 'x86_64'}, self.node.properties)
        warning.assert_not_called()

    def test_local_gb_from_valence_replaces_the_operators(self):
        # As Ironic's redfish inspection does with what it finds.
        self.node.properties = {'local_gb': 100}
        self.node.save()
        self.http.get(base.NODE_URL, json=base.composed_node(local_gb=446))
        self._inspect()
        self.node.refresh()
        self.assertEqual(446, self.node.properties['local_gb'])

    def test_no_local_gb_from_valence_warns(self):
        self.http.get(base.NODE_URL, json=base.composed_node())
        warning = self.useFixture(fixtures.MockPatchObject(
            inspect.LOG, 'warning')).mock
        self._inspect()
        self.node.refresh()
        self.assertNotIn('local_gb', self.node.properties)
        self.assertIn('Valence reports no storage',
                      warning.call_args.args[0])

    def test_no_root_device_hint_and_no_disks(self):
        # Valence's storage is a total over the system's disks: nothing
        # names one disk, so neither a hint nor a disk is made up.
        self.http.get(base.NODE_URL, json=base.composed_node(local_gb=446))
        self._inspect()
        self.node.refresh()
        self.assertIsNone(self.node.properties.get('root_device'))
        stored = objects.NodeInventory.get_by_node_id(self.context,
                                                      self.node.id)
        self.assertNotIn('disks', stored.inventory_data)

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

    def test_ports_hook_creates_them_without_pxe(self):
        # Valence does not say which NIC boots, so Ironic's ports hook
        # enables PXE on none of them, as for redfish inspection.
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        self.assertEqual([False, False], [
            port.pxe_enabled for port in
            objects.Port.list_by_node_id(self.context, self.node.id)])

    def test_no_nics_fails_the_validate_interfaces_hook(self):
        self.http.get(base.NODE_URL, json=base.composed_node(macs=[]))
        error = self.assertRaises(exception.HardwareInspectionFailure,
                                  self._inspect)
        self.assertIn('Unexpected exception InvalidNodeInventory during '
                      'preprocess hook validate-interfaces: Inventory for '
                      'node %s is invalid: no valid network interfaces'
                      % self.node.uuid, str(error))

    def test_stores_inventory_and_plugin_data(self):
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        stored = objects.NodeInventory.get_by_node_id(self.context,
                                                      self.node.id)
        self.assertEqual(
            {'cpu': {'count': 16, 'architecture': 'x86_64'},
             'memory': {'physical_mb': 32768},
             'interfaces': [{'name': 'nic0', 'mac_address': MACS[0]},
                            {'name': 'nic1', 'mac_address': MACS[1]}]},
            stored.inventory_data)
        # What the validate-interfaces hook found.
        self.assertEqual(MACS, stored.plugin_data['macs'])
        self.assertEqual(['nic0', 'nic1'],
                         sorted(stored.plugin_data['valid_interfaces']))

    def test_unknown_cpu_count_is_zero_in_the_inventory(self):
        self.http.get(base.NODE_URL, json=base.composed_node(cpus=None))
        self._inspect()
        stored = objects.NodeInventory.get_by_node_id(self.context,
                                                      self.node.id)
        self.assertEqual(0, stored.inventory_data['cpu']['count'])

    def test_timed(self):
        send_timer = self.useFixture(fixtures.MockPatchObject(
            utils.METRICS, 'send_timer')).mock
        self.http.get(base.NODE_URL, json=base.composed_node())
        self._inspect()
        self.assertEqual('ironic_valence.ValenceInspect.inspect_hardware',
                         send_timer.call_args.args[0])

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
                             ('local_gb', 0), ('local_gb', '446'),
                             ('local_gb', 1.5),
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
        for code in protocol.OPERATION_ERRORS['node']:
            if code == protocol.NODE_NOT_FOUND:
                continue
            with self.subTest(code=code):
                self.http.get(base.NODE_URL, **base.problem(code, 'it broke'))
                error = self.assertRaises(
                    exception.HardwareInspectionFailure, self._inspect)
                self.assertIn('Reading the composed node of node %s failed'
                              % self.node.uuid, str(error))
                self.assertIn(code + ': it broke', str(error))


class HooksTestCase(base.ValenceTestCase):
    """[valence]inspection_hooks, loaded when the interface is."""

    def setUp(self):
        super().setUp()
        self.node.properties = {}
        self.node.save()
        # Ironic loads the hooks of an interface once per process.
        self.useFixture(fixtures.MockPatchObject(inspect_utils, '_HOOKS_MGR',
                                                 {}))
        self.http.get(base.NODE_URL, json=base.composed_node())

    def _inspect_with(self, hooks):
        self.config(inspection_hooks=hooks, group='valence')
        interface = inspect.ValenceInspect()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            return interface.inspect_hardware(task)

    def _ports(self):
        return objects.Port.list_by_node_id(self.context, self.node.id)

    def test_without_the_ports_hook_no_port_is_created(self):
        self.assertEqual(states.MANAGEABLE,
                         self._inspect_with('validate-interfaces,'
                                            'architecture'))
        self.assertEqual([], self._ports())
        self.node.refresh()
        self.assertEqual('x86_64', self.node.properties['cpu_arch'])

    def test_without_validate_interfaces_a_node_without_nics_passes(self):
        self.http.get(base.NODE_URL, json=base.composed_node(macs=[]))
        self.assertEqual(states.MANAGEABLE,
                         self._inspect_with('architecture'))

    def test_further_hooks_see_the_inventory(self):
        # Ironic's memory hook sets memory_mb from the inventory too.
        self.node.properties = {'memory_mb': 1}
        self.node.save()
        self._inspect_with('validate-interfaces,ports,architecture,memory')
        self.node.refresh()
        self.assertEqual(32768, self.node.properties['memory_mb'])

    def test_without_the_architecture_hook_cpu_arch_must_be_known(self):
        error = self.assertRaises(exception.HardwareInspectionFailure,
                                  self._inspect_with, 'validate-interfaces')
        self.assertIn('left cpu_arch unset', str(error))

    def test_without_the_architecture_hook_cpu_arch_given_is_kept(self):
        self.node.properties = {'cpu_arch': 'aarch64'}
        self.node.save()
        self._inspect_with('')
        self.node.refresh()
        self.assertEqual('aarch64', self.node.properties['cpu_arch'])

    def test_unknown_hook_stops_the_interface_loading(self):
        self.config(inspection_hooks='architecture,no-such-hook',
                    group='valence')
        error = self.assertRaises(RuntimeError, inspect.ValenceInspect)
        self.assertIn('no-such-hook', str(error))

    def test_hook_before_its_dependency_stops_the_interface_loading(self):
        self.config(inspection_hooks='ports,validate-interfaces',
                    group='valence')
        error = self.assertRaises(exception.HardwareInspectionFailure,
                                  inspect.ValenceInspect)
        self.assertIn('requires these missing hooks to be enabled before '
                      'it: validate-interfaces', str(error))


class RulesTestCase(base.ValenceTestCase):
    """The operator's inspection rules run on the valence inventory."""

    def setUp(self):
        super().setUp()
        self.http.get(base.NODE_URL, json=base.composed_node())

    def _rule(self, **kwargs):
        obj_utils.create_test_inspection_rule(
            self.context,
            conditions=[{'op': 'matches', 'args': [
                '{inventory[cpu][architecture]}', '^x86_64$']}],
            actions=[{'op': 'add-trait', 'args': ['CUSTOM_VALENCE']}],
            **kwargs)

    def _inspect(self):
        with task_manager.acquire(self.context, self.node.uuid) as task:
            return task.driver.inspect.inspect_hardware(task)

    def _traits(self):
        return objects.TraitList.get_trait_names(
            objects.TraitList.get_by_node_id(self.context, self.node.id))

    def test_matching_rule_sets_a_trait(self):
        self._rule()
        self._inspect()
        self.assertEqual(['CUSTOM_VALENCE'], self._traits())

    def test_rule_that_does_not_match_does_nothing(self):
        obj_utils.create_test_inspection_rule(
            self.context,
            conditions=[{'op': 'matches', 'args': [
                '{inventory[cpu][architecture]}', '^aarch64$']}],
            actions=[{'op': 'add-trait', 'args': ['CUSTOM_ARM']}])
        self._inspect()
        self.assertEqual([], self._traits())

    def test_rule_sees_the_plugin_data_of_the_hooks(self):
        obj_utils.create_test_inspection_rule(
            self.context,
            conditions=[{'op': 'contains', 'args': [
                '{plugin_data[macs]}', MACS[1]]}],
            actions=[{'op': 'set-attribute',
                      'args': ['/extra/second_nic', MACS[1]]}])
        self._inspect()
        self.node.refresh()
        self.assertEqual({'second_nic': MACS[1]}, self.node.extra)

    def test_rules_of_other_phases_are_not_applied(self):
        self._rule(phase='other')
        self._inspect()
        self.assertEqual([], self._traits())


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
