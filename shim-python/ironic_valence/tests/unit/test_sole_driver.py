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


"""One composed node, one Ironic node: the power interface's validate()."""

from ironic.common import exception
from ironic.conductor import task_manager
from ironic.tests.unit.objects import utils as obj_utils
from oslo_utils import uuidutils

from ironic_valence.tests.unit import base


class SoleDriverTestCase(base.ValenceTestCase):

    def _second(self, node_id=base.NODE_ID, driver='valence', **kwargs):
        return obj_utils.create_test_node(
            self.context, uuid=uuidutils.generate_uuid(), driver=driver,
            driver_info={'valence_node_id': node_id}, **kwargs)

    def _validate(self, node):
        with task_manager.acquire(self.context, node.uuid,
                                  shared=True) as task:
            task.driver.power.validate(task)

    def test_second_node_refused_naming_the_first(self):
        self.node.name = 'first'
        self.node.save()
        second = self._second()
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._validate, second)
        self.assertIn('Valence composed node %s is already driven by '
                      'Ironic node %s (first)' % (base.NODE_ID,
                                                  self.node.uuid),
                      str(error))
        self.assertIn(second.uuid, str(error))

    def test_first_node_still_valid(self):
        self._second()
        self._validate(self.node)

    def test_other_composed_node_valid(self):
        second = self._second(node_id='another-composed-node')
        self._validate(second)

    def test_other_driver_ignored(self):
        # Nodes of another hardware type do not drive a composed node,
        # whatever their driver_info holds.
        first = self._second(driver='fake-hardware')
        first.id, self.node.id = 0, first.id
        self._validate(self.node)

    def test_bad_driver_info_still_refused_first(self):
        second = self._second(node_id='../x')
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._validate, second)
        self.assertIn('invalid driver_info valence_node_id', str(error))

    def test_id_inside_another_id_is_not_the_same(self):
        # The database finds 'n_1' inside 'xn_10'; only the exact id counts,
        # and '_' is no LIKE wildcard ('nx1' is not 'n_1').
        self.node.driver_info = {'valence_node_id': 'xn_10'}
        self.node.save()
        self._second(node_id='nx1')
        self._validate(self._second(node_id='n_1'))
