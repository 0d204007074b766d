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


"""Ironic's own DB test base with the valence driver enabled and the
driver service faked at urllib3's connection pool (fake_http)."""

import logging
from unittest import mock

import fixtures

from ironic.conductor import task_manager
from ironic.tests.unit.db import base as db_base
from ironic.tests.unit.objects import utils as obj_utils

from ironic_valence import client
# Registers the [valence] options, as loading the driver does in Ironic.
from ironic_valence import conf  # noqa: F401
from ironic_valence import paging
from ironic_valence import protocol
from ironic_valence import readahead
from ironic_valence.tests.unit import fake_http
from ironic_valence import utils

SERVICE_URL = 'http://valence-driver.test:8080'
TOKEN = 's3cret-driver-token'
NODE_ID = '6f9a2c6e-3b1d-4e3f-9a7b-2c1d0e9f8a71'
NODE_URL = SERVICE_URL + '/v1/nodes/' + NODE_ID
SERVICE_REQUEST_ID = 'req-0e8c3a52-3c1f-4b6e-8a3c-5f1e2d3c4b5a'


def problem(code, detail):
    """A fake_http answer: the service's RFC 9457 error document."""
    return {
        'status_code': protocol.ERROR_STATUS[code],
        'headers': {'Content-Type': 'application/problem+json',
                    protocol.REQUEST_ID_HEADER: SERVICE_REQUEST_ID},
        'json': {'type': 'about:blank', 'title': code,
                 'status': protocol.ERROR_STATUS[code], 'detail': detail,
                 'instance': '/v1/nodes/' + NODE_ID, 'code': code,
                 'request_id': SERVICE_REQUEST_ID},
    }


def composed_node(**inventory):
    """The service's GET /v1/nodes/{id} document, inventory overridable."""
    node = {
        'node_id': NODE_ID, 'name': 'composed-1', 'description': 'rack 3',
        'power_state': protocol.POWER_ON,
        'boot_device': protocol.BOOT_DEVICE_DISK, 'boot_persistent': None,
        'health': 'OK', 'composition_state': 'Assembled',
        'inventory': {'cpus': 16, 'memory_mb': 32768, 'cpu_arch': 'x86_64',
                      'local_gb': None,
                      'macs': ['52:54:00:aa:bb:01', '52:54:00:aa:bb:02']},
    }
    node['inventory'].update(inventory)
    return node


class FakeClock(object):
    """The time module as the client sees it in tests.

    Time stands still unless a test (or a fake answer) advances it, and
    sleeping only advances it, so deadlines can be checked exactly and
    retries cost no real time.
    """

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class ValenceTestCase(db_base.DbTestCase):

    # False: the client's real transport and clock (tests of the transport
    # against a real local server).
    fake_transport = True

    def setUp(self):
        super().setUp()
        self.config(enabled_hardware_types=['valence'],
                    enabled_power_interfaces=['valence'],
                    enabled_management_interfaces=['valence'],
                    enabled_vendor_interfaces=['valence', 'no-vendor'],
                    enabled_inspect_interfaces=['valence', 'no-inspect'])
        self.config(service_url=SERVICE_URL, auth_token=TOKEN,
                    group='valence')
        self.node = obj_utils.create_test_node(
            self.context, driver='valence',
            driver_info={'valence_node_id': NODE_ID})
        if not self.fake_transport:
            # Each test knows its own nodes; no conductor is registered
            # for Ironic's hash ring, which would give them to none.
            self.useFixture(fixtures.MockPatchObject(
                readahead, '_READ_AHEAD',
                readahead.ReadAhead(mapped=lambda owner: True)))
            return
        # No stub answers by default: an unexpected call fails the test.
        self.http = self.useFixture(fake_http.FakeService())
        self.clock = FakeClock()
        self.useFixture(fixtures.MockPatchObject(client, 'time', self.clock))
        self.useFixture(fixtures.MockPatchObject(paging, 'time', self.clock))
        self.use_new_read_ahead()

    def config(self, **kw):
        """Override options, and build the service's client anew.

        So each test has its own client (its own connection pools, and no
        replica known to have failed), built from the options it set.
        """
        super().config(**kw)
        utils.service_client.cache_clear()

    def use_new_read_ahead(self):
        """Power reads ahead from a registry that knows no node yet.

        Its batches are started by the test, in its thread: self.batches
        holds (function, args) of each one not started yet.
        """
        self.batches = []
        # The uuids of the Ironic nodes another conductor took over.
        self.taken_over = set()
        # The listings of the nodes the sync reads, from the test database.
        self.listings = mock.Mock(side_effect=readahead._sync_order)
        self.read_ahead = readahead.ReadAhead(
            clock=self.clock.monotonic,
            start=lambda function, *args: self.batches.append(
                (function, args)),
            mapped=lambda owner: owner[0] not in self.taken_over,
            listing=self.listings)
        self.useFixture(fixtures.MockPatchObject(
            readahead, '_READ_AHEAD', self.read_ahead))

    def capture_log(self, level):
        """Captures what the shim logs at level and above."""
        log = self.useFixture(fixtures.FakeLogger(level=level))
        # Setting up the test database runs Alembic, whose logging.config
        # call disables every logger that existed before, ours included.
        for name, logger in logging.root.manager.loggerDict.items():
            if name.startswith('ironic_valence'):
                logger.disabled = False
        return log

    def call(self, interface, method, *args, shared=True, **kwargs):
        """Call an interface method inside a task, as the conductor does."""
        with task_manager.acquire(self.context, self.node.uuid,
                                  shared=shared) as task:
            return getattr(getattr(task.driver, interface), method)(
                task, *args, **kwargs)

    def get_power_state(self):
        return self.call('power', 'get_power_state')

    def _clear_attrs(self):
        # Ironic's base deletes every public instance attribute after a
        # test; under pytest that includes the test method pytest set on
        # the instance and deletes itself afterwards.
        pass
