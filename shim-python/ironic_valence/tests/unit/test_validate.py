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


"""driver_info checks, the same in every interface, and never a call."""

from ironic.common import exception
from ironic.conductor import task_manager

from ironic_valence.tests.unit import base
from ironic_valence import utils

INTERFACES = ('power', 'management', 'vendor', 'inspect')


class ParseDriverInfoTestCase(base.ValenceTestCase):

    def _parse(self, driver_info):
        self.node.driver_info = driver_info
        return utils.parse_driver_info(self.node)

    def test_uuid(self):
        self.assertEqual({'node_id': base.NODE_ID},
                         self._parse({'valence_node_id': base.NODE_ID}))

    def test_64_characters(self):
        node_id = 'a' * 64
        self.assertEqual({'node_id': node_id},
                         self._parse({'valence_node_id': node_id}))

    def test_missing(self):
        error = self.assertRaises(exception.MissingParameterValue,
                                  self._parse, {})
        self.assertIn('missing driver_info valence_node_id', str(error))

    def test_empty(self):
        self.assertRaises(exception.MissingParameterValue,
                          self._parse, {'valence_node_id': ''})

    def test_path_traversal(self):
        error = self.assertRaises(exception.InvalidParameterValue,
                                  self._parse,
                                  {'valence_node_id': '../pod_managers'})
        self.assertIn("invalid driver_info valence_node_id "
                      "'../pod_managers'", str(error))

    def test_slash(self):
        self.assertRaises(exception.InvalidParameterValue, self._parse,
                          {'valence_node_id': 'abc/power'})

    def test_percent_encoding(self):
        self.assertRaises(exception.InvalidParameterValue, self._parse,
                          {'valence_node_id': '%2e%2e'})

    def test_too_long(self):
        self.assertRaises(exception.InvalidParameterValue, self._parse,
                          {'valence_node_id': 'a' * 65})

    def test_leading_dash(self):
        self.assertRaises(exception.InvalidParameterValue, self._parse,
                          {'valence_node_id': '-abc'})

    def test_trailing_newline(self):
        self.assertRaises(exception.InvalidParameterValue, self._parse,
                          {'valence_node_id': 'abc\n'})

    def test_not_a_string(self):
        self.assertRaises(exception.InvalidParameterValue, self._parse,
                          {'valence_node_id': 12345})


class InterfaceValidateTestCase(base.ValenceTestCase):

    def _validate_each_interface(self, driver_info, check):
        self.node.driver_info = driver_info
        self.node.save()
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            for name in INTERFACES:
                with self.subTest(interface=name):
                    check(getattr(task.driver, name).validate, task)
        self.assertFalse(self.http.called)

    def test_valid(self):
        self._validate_each_interface({'valence_node_id': base.NODE_ID},
                                      lambda validate, task: validate(task))

    def test_missing(self):
        self._validate_each_interface(
            {}, lambda validate, task: self.assertRaises(
                exception.MissingParameterValue, validate, task))

    def test_path_traversal(self):
        self._validate_each_interface(
            {'valence_node_id': '../pod_managers'},
            lambda validate, task: self.assertRaises(
                exception.InvalidParameterValue, validate, task))

    def test_properties_document_valence_node_id(self):
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            for name in INTERFACES:
                with self.subTest(interface=name):
                    properties = getattr(task.driver, name).get_properties()
                    self.assertIn('Required', properties['valence_node_id'])
            self.assertIn('valence_node_id', task.driver.get_properties())

    def test_a_call_with_bad_driver_info_never_reaches_the_service(self):
        self.node.driver_info = {'valence_node_id': '../pod_managers'}
        self.node.save()
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=True) as task:
            self.assertRaises(exception.InvalidParameterValue,
                              task.driver.power.get_power_state, task)
        self.assertFalse(self.http.called)
