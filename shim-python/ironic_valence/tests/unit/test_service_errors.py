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


"""utils.service_errors(): the one mapping of the driver service's errors
to Ironic's exceptions, row by row."""

import inspect

from ironic.common import exception
import testtools

from ironic_valence import exceptions
from ironic_valence import utils

ACTION = 'Reading the power state of node n-1'


def _raised(error, not_found=None):
    """What service_errors() makes of an error raised inside it."""
    try:
        with utils.service_errors(exception.PowerStateFailure, ACTION,
                                  not_found=not_found):
            raise error
    except Exception as raised:
        return raised
    raise AssertionError('service_errors() swallowed %r' % error)


class ServiceErrorsTestCase(testtools.TestCase):

    def test_node_not_found_raises_what_the_caller_builds(self):
        error = exceptions.NodeNotFound('no such node')

        raised = _raised(error, not_found=lambda e: exception.NotFound(
            'built from %s' % e))

        self.assertIs(exception.NotFound, type(raised))
        self.assertEqual('built from no such node', str(raised))
        self.assertIs(error, raised.__cause__)

    def test_node_not_found_without_its_own_exception_is_a_failure(self):
        raised = _raised(exceptions.NodeNotFound('no such node'))

        self.assertIs(exception.PowerStateFailure, type(raised))
        self.assertEqual(ACTION + ' failed: no such node', str(raised))

    def test_power_state_conflict_says_another_change_reversed_this(self):
        error = exceptions.PowerStateConflict('reversed')

        raised = _raised(error, not_found=self.fail)

        self.assertIs(exception.PowerStateFailure, type(raised))
        self.assertIn(ACTION + ' failed: another change of its power state '
                      'reversed this one', str(raised))
        self.assertTrue(str(raised).endswith(' reversed'))
        self.assertIs(error, raised.__cause__)

    def test_every_other_service_error_is_the_callers_failure(self):
        others = [cls for _name, cls in inspect.getmembers(
            exceptions, inspect.isclass)
            if issubclass(cls, exceptions.ValenceServiceError)
            and cls not in (exceptions.NodeNotFound,
                            exceptions.PowerStateConflict)]
        self.assertIn(exceptions.ServiceUnavailable, others)
        self.assertIn(exceptions.MalformedAnswer, others)
        for cls in others:
            with self.subTest(error=cls.__name__):
                error = cls('it broke')

                raised = _raised(error, not_found=self.fail)

                self.assertIs(exception.PowerStateFailure, type(raised))
                self.assertEqual(ACTION + ' failed: it broke', str(raised))
                self.assertIs(error, raised.__cause__)

    def test_other_exceptions_pass_unchanged(self):
        error = ValueError('not the service')

        self.assertIs(error, _raised(error, not_found=self.fail))

    def test_a_call_that_succeeds_is_left_alone(self):
        with utils.service_errors(exception.PowerStateFailure, ACTION):
            answer = {'power_state': 'power on'}

        self.assertEqual({'power_state': 'power on'}, answer)
