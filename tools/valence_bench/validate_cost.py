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


"""The cost of the power interface's validate() at 10,000 valence nodes.

    tools/bench validate-cost [--nodes 10000]

Runs in Ironic's unit-test database (SQLite in memory), with the shim's
unit-test base case, and prints the seconds of three validate() calls of
the newest node.
"""

import argparse
import sys
import time
import unittest

from valence_bench import children


def case(nodes):
    """The test case, made only once Ironic's test setup is imported."""
    # Ironic's test setup (eventlet's backend) before anything of Ironic,
    # as the unit tests' conftest.py does.
    import ironic.tests.unit  # noqa: F401

    import ironic_valence.hardware  # noqa: F401

    from ironic.conductor import task_manager
    from ironic.db import api as db_api
    from ironic.tests.unit.objects import utils as obj_utils
    from oslo_utils import uuidutils

    from ironic_valence.tests.unit import base

    class ValidateCost(base.ValenceTestCase):

        def test_validate_cost(self):
            dbapi = db_api.get_instance()
            for i in range(nodes):
                dbapi.create_node({
                    'uuid': uuidutils.generate_uuid(), 'driver': 'valence',
                    'driver_info': {'valence_node_id': 'n-%d' % i}})
            node = obj_utils.create_test_node(
                self.context, uuid=uuidutils.generate_uuid(),
                driver='valence',
                driver_info={'valence_node_id': 'the-newest'})
            with task_manager.acquire(self.context, node.uuid,
                                      shared=True) as task:
                for _ in range(3):
                    started = time.perf_counter()
                    task.driver.power.validate(task)
                    print('validate() with %d valence nodes: %.4f s'
                          % (nodes + 1, time.perf_counter() - started))

    return ValidateCost('test_validate_cost')


def main(argv, prog):
    parser = argparse.ArgumentParser(prog=prog,
                                     description=__doc__.splitlines()[0])
    parser.add_argument('--nodes', type=children.positive, default=10000)
    args = parser.parse_args(argv)
    outcome = unittest.TextTestRunner(stream=sys.stdout).run(
        case(args.nodes))
    return 0 if outcome.wasSuccessful() else 1
