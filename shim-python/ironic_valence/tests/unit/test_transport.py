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


"""The client's real transport (urllib3) against a real local HTTP server.

The server listens on 127.0.0.1 only, in a thread of the test; every wait
in it is bounded, and it is shut down after each test.
"""

import http.server
import json
import socket
import threading
import time

import fixtures

from ironic.conductor import task_manager
from ironic.tests.unit.objects import utils as obj_utils

from ironic_valence import client
from ironic_valence import exceptions
from ironic_valence import protocol
from ironic_valence.tests.unit import base
from ironic_valence import utils

POWER_PATH = '/v1/nodes/%s/power' % base.NODE_ID
# Longest a handler sleeps before it answers: past the 0.5 s a slow call is
# given, and bounded so that a test never hangs on it.
SLOW_ANSWER_SECONDS = 2


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers as its server's settings say, and records what it got."""

    protocol_version = 'HTTP/1.1'

    def setup(self):
        # Before the socket is set up: how long an idle kept-alive
        # connection stays open before the server closes it.
        self.timeout = self.server.idle_timeout
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self):
        self._answer()

    def do_PUT(self):
        self._answer()

    def do_POST(self):
        self._answer()

    def _answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.body = self.rfile.read(length)
        with self.server.lock:
            self.server.requests.append((self.command, self.path,
                                         self.headers, body))
        if self.server.hang_up:
            # Read the request, then close the connection without a word.
            self.close_connection = True
            return
        self.server.stopping.wait(self.server.delay)
        status, document = self.server.answer(self)
        data = json.dumps(document).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


def _power_on(handler):
    return 200, {'power_state': protocol.POWER_ON, 'health': 'OK'}


def _power_on_or_reads(handler):
    """A power read, or for POST /v1/power-reads one of each node."""
    if handler.command != 'POST':
        return _power_on(handler)
    return 200, {'nodes': {node_id: _power_on(handler)[1] for node_id
                           in json.loads(handler.body)['nodes']}}


class TransportTestCase(base.ValenceTestCase):

    fake_transport = False

    def serve(self, answer=_power_on, delay=0, idle_timeout=None,
              hang_up=False):
        """Starts the service's stand-in and points [valence] at it."""
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        server.daemon_threads = True
        server.lock = threading.Lock()
        server.stopping = threading.Event()
        server.connections = 0
        server.requests = []
        server.answer = answer
        server.delay = delay
        server.idle_timeout = idle_timeout
        server.hang_up = hang_up
        thread = threading.Thread(target=server.serve_forever,
                                  kwargs={'poll_interval': 0.05})
        thread.start()

        def stop():
            server.stopping.set()
            server.shutdown()
            server.server_close()
            thread.join(5)

        self.addCleanup(stop)
        self.config(service_url='http://127.0.0.1:%d' % server.server_port,
                    group='valence')
        return server

    def read_power(self):
        return utils.service_client().request(self.context, 'GET', POWER_PATH)

    def test_get_round_trip(self):
        server = self.serve()
        self.assertEqual({'power_state': protocol.POWER_ON, 'health': 'OK'},
                         self.read_power())
        [(method, path, headers, body)] = server.requests
        self.assertEqual(('GET', POWER_PATH, b''), (method, path, body))
        self.assertEqual('Bearer ' + base.TOKEN, headers['Authorization'])
        self.assertEqual(self.context.request_id,
                         headers[protocol.REQUEST_ID_HEADER])

    def test_put_sends_its_json_body(self):
        server = self.serve()
        utils.service_client().request(
            self.context, 'PUT', POWER_PATH,
            body={'target': protocol.POWER_OFF, 'timeout': 30}, budget=30)
        [(method, _path, headers, body)] = server.requests
        self.assertEqual('PUT', method)
        self.assertEqual('application/json', headers['Content-Type'])
        self.assertEqual({'target': protocol.POWER_OFF, 'timeout': 30},
                         json.loads(body))

    def test_connection_is_kept_alive(self):
        server = self.serve()
        for _ in range(3):
            self.read_power()
        self.assertEqual(3, len(server.requests))
        self.assertEqual(1, server.connections)

    def test_connection_closed_while_idle_is_not_reused(self):
        # The server closes a connection idle for 0.2 s; urllib3 sees that
        # before it would send on it, and connects again.
        server = self.serve(idle_timeout=0.2)
        self.read_power()
        time.sleep(1)
        utils.service_client().request(
            self.context, 'PUT', POWER_PATH,
            body={'target': protocol.POWER_ON, 'timeout': 30}, budget=30)
        self.assertEqual(['GET', 'PUT'], [r[0] for r in server.requests])
        self.assertEqual(2, server.connections)

    def test_put_is_sent_once_when_the_connection_breaks(self):
        server = self.serve(hang_up=True)
        error = self.assertRaises(
            exceptions.ConnectionFailed, utils.service_client().request,
            self.context, 'PUT', POWER_PATH,
            body={'target': protocol.POWER_ON, 'timeout': 30}, budget=30)
        self.assertIn('Cannot reach the Valence driver service', str(error))
        self.assertEqual(['PUT'], [r[0] for r in server.requests])

    def test_read_timeout_is_not_retried(self):
        server = self.serve(delay=SLOW_ANSWER_SECONDS)
        # The read is given 0.5 s in all, which the answer overruns.
        self.useFixture(fixtures.MockPatchObject(
            client.ServiceClient, 'wait_for', return_value=0.5))
        began = time.monotonic()
        error = self.assertRaises(exceptions.AnswerTimeout, self.read_power)
        self.assertLess(time.monotonic() - began, 0.5 + 1)
        self.assertFalse(error.retryable)
        self.assertIn('did not answer GET %s within' % POWER_PATH,
                      str(error))
        self.assertEqual(1, len(server.requests))
        self.assertNotIn(base.TOKEN, str(error))

    def _closed_port(self):
        with socket.socket() as unused:
            unused.bind(('127.0.0.1', 0))
            return unused.getsockname()[1]

    def test_connection_refused_is_retryable(self):
        url = 'http://127.0.0.1:%d' % self._closed_port()
        self.config(service_url=url, read_attempts=1, group='valence')
        error = self.assertRaises(exceptions.ConnectionFailed,
                                  self.read_power)
        self.assertTrue(error.retryable)
        self.assertIn('Cannot reach the Valence driver service at %s' % url,
                      str(error))
        self.assertNotIn(base.TOKEN, str(error))

    def _url(self, server):
        return 'http://127.0.0.1:%d' % server.server_port

    def test_read_moves_from_a_refusing_replica(self):
        dead = 'http://127.0.0.1:%d' % self._closed_port()
        live = self.serve()
        self.config(service_url=[dead, self._url(live)], read_attempts=1,
                    group='valence')
        began = time.monotonic()
        for _ in range(3):
            self.assertEqual(protocol.POWER_ON,
                             self.read_power()['power_state'])
        self.assertLess(time.monotonic() - began, 1)
        self.assertEqual(3, len(live.requests))

    def test_power_change_moves_when_the_connection_breaks(self):
        broken = self.serve(hang_up=True)
        live = self.serve()
        self.config(service_url=[self._url(broken), self._url(live)],
                    group='valence')
        answer = utils.service_client().request(
            self.context, 'PUT', POWER_PATH,
            body={'target': protocol.POWER_ON, 'timeout': 30}, budget=30,
            replay=True, budget_member='timeout')
        self.assertEqual(protocol.POWER_ON, answer['power_state'])
        self.assertEqual(['PUT'], [r[0] for r in broken.requests])
        [(method, _path, _headers, body)] = live.requests
        sent = json.loads(body)
        self.assertEqual(protocol.POWER_ON, sent['target'])
        # Whole seconds of what is left of the call's 36 s, less the 6 s
        # the shim waits beyond the service's answer.
        self.assertIn(sent['timeout'], (29, 30))

    def test_each_replica_is_checked(self):
        dead = 'http://127.0.0.1:%d' % self._closed_port()
        live = self.serve()
        self.config(service_url=[dead, self._url(live)], group='valence')
        [(dead_url, no_answer, error), (live_url, answer, no_error)] = (
            utils.service_client().read_each(self.context, '/v1/connection'))
        self.assertEqual((dead, None), (dead_url, no_answer))
        self.assertIn('Cannot reach the Valence driver service at %s'
                      % dead, str(error))
        self.assertEqual((self._url(live), None), (live_url, no_error))
        self.assertEqual(protocol.POWER_ON, answer['power_state'])

    def test_token_echoed_in_an_answer_is_not_in_the_error(self):
        def echo(handler):
            return 401, {'code': protocol.UNAUTHORIZED,
                         'detail': 'rejected %s'
                         % handler.headers['Authorization']}

        self.serve(answer=echo)
        error = self.assertRaises(exceptions.Unauthorized, self.read_power)
        self.assertIn('rejected Bearer ***', str(error))
        self.assertNotIn(base.TOKEN, str(error))

    def test_power_reads_ahead_of_the_sync(self):
        # Due 0.9 s after their last read.
        self.config(sync_power_state_interval=1, group='conductor')
        other = obj_utils.create_test_node(
            self.context, uuid='1be26c0b-03f2-4d2e-ae83-32e1d3e5f1a0',
            driver='valence', driver_info={'valence_node_id': 'composed-2'})
        server = self.serve(answer=_power_on_or_reads)

        def sync(node):
            with task_manager.acquire(self.context, node.uuid,
                                      shared=True) as task:
                return task.driver.power.get_power_state(task)

        sync(self.node)
        sync(other)
        time.sleep(1)
        sync(self.node)
        # Answered from the batch the read before started, in its thread.
        self.assertEqual(protocol.POWER_ON, sync(other))
        posts = [(path, json.loads(body))
                 for method, path, _headers, body in server.requests
                 if method == 'POST']
        self.assertEqual([('/v1/power-reads', {'nodes': ['composed-2']})],
                         posts)
        self.assertEqual(3, len(server.requests) - len(posts))
