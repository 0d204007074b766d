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


"""What every call to the driver service carries, and how failures read."""

import logging
from urllib import parse as urlparse

import certifi
import fixtures
import urllib3

from ironic.common import exception
from ironic.conductor import task_manager

from ironic_valence import client
from ironic_valence import conf
from ironic_valence import exceptions
from ironic_valence import protocol
from ironic_valence.tests.unit import base
from ironic_valence.tests.unit import fake_http
from ironic_valence import utils

POWER_URL = base.NODE_URL + '/power'


class ClientTestCase(base.ValenceTestCase):

    def test_bearer_token_is_sent(self):
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertEqual('Bearer ' + base.TOKEN,
                         get.last_request.headers['Authorization'])

    def test_no_authorization_header_without_token(self):
        self.config(auth_token=None, group='valence')
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertNotIn('Authorization', get.last_request.headers)

    def test_ironic_request_id_is_sent(self):
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertTrue(self.context.request_id.startswith('req-'))
        self.assertEqual(self.context.request_id,
                         get.last_request.headers[protocol.REQUEST_ID_HEADER])

    def test_service_url_with_trailing_slash(self):
        self.config(service_url=base.SERVICE_URL + '/', group='valence')
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertTrue(get.called)

    def test_read_waits_for_the_budget_overshoot_and_margin(self):
        self.config(connect_timeout=3, group='valence')
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertEqual((3, protocol.READ_BUDGET_SECONDS
                          + protocol.ANSWER_OVERSHOOT_SECONDS + 5),
                         get.last_request.timeout)

    def test_answer_margin(self):
        self.config(answer_margin=1, group='valence')
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertEqual(12, get.last_request.timeout[1])

    def test_connect_timeout_never_exceeds_the_time_left(self):
        self.config(connect_timeout=60, group='valence')
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertEqual((16, 16), get.last_request.timeout)

    def _read_power_at(self, service_url):
        """Reads the power state with service_url configured.

        :returns: the route of the power state below service_url.
        """
        self.config(service_url=service_url, group='valence')
        get = self.http.get('%s/v1/nodes/%s/power'
                            % (service_url.rstrip('/'), base.NODE_ID),
                            json={'power_state': 'power on'})
        self.get_power_state()
        return get

    def _https_pool(self):
        """The pool that served a GET of an https service URL."""
        return self._read_power_at(
            'https://valence-driver.test:8443').last_request.pool

    def test_certificates_verified_by_default(self):
        pool = self._https_pool()
        self.assertEqual('CERT_REQUIRED', pool.cert_reqs)
        # certifi's bundle, the one requests uses.
        self.assertEqual(certifi.where(), pool.ca_certs)

    def test_ca_bundle_variables_do_not_apply(self):
        # Only [valence] says how the service is reached (client's
        # docstring).
        self.useFixture(fixtures.EnvironmentVariable(
            'REQUESTS_CA_BUNDLE', '/etc/elsewhere/ca.pem'))
        self.useFixture(fixtures.EnvironmentVariable(
            'CURL_CA_BUNDLE', '/etc/elsewhere/ca.pem'))
        self.assertEqual(certifi.where(), self._https_pool().ca_certs)

    def test_proxy_variables_do_not_apply(self):
        for name in ('HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'):
            self.useFixture(fixtures.EnvironmentVariable(
                name, 'http://proxy.test:3128'))
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        pool = get.last_request.pool
        self.assertIsInstance(pool, urllib3.HTTPConnectionPool)
        self.assertEqual(('valence-driver.test', 8080),
                         (pool.host, pool.port))
        self.assertIsNone(pool.proxy)

    def test_netrc_does_not_apply(self):
        self.config(auth_token=None, group='valence')
        netrc = self.useFixture(fixtures.TempDir()).join('netrc')
        with open(netrc, 'w') as f:
            f.write('machine valence-driver.test login ironic '
                    'password hunter2\n')
        self.useFixture(fixtures.EnvironmentVariable('NETRC', netrc))
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertNotIn('Authorization', get.last_request.headers)

    def test_ca_file(self):
        self.config(ca_file='/etc/ironic/valence-ca.pem', group='valence')
        pool = self._https_pool()
        self.assertEqual('CERT_REQUIRED', pool.cert_reqs)
        self.assertEqual('/etc/ironic/valence-ca.pem', pool.ca_certs)

    def test_insecure(self):
        self.config(ca_file='/etc/ironic/valence-ca.pem', insecure=True,
                    group='valence')
        self.assertEqual('CERT_NONE', self._https_pool().cert_reqs)

    def test_one_pool_serves_every_call(self):
        get = self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.get_power_state()
        self.assertEqual(2, self.http.call_count)
        self.assertIs(get.request_history[0].pool,
                      get.request_history[1].pool)

    def test_pool_keeps_a_connection_per_sync_worker(self):
        self.config(sync_power_state_workers=5, group='conductor')
        pool = self._https_pool()
        self.assertEqual(5, pool.pool.maxsize)
        # A call beyond them opens a connection rather than waiting.
        self.assertFalse(pool.block)
        self.assertFalse(pool.retries)

    def test_one_client_per_configuration(self):
        service = utils.service_client()
        self.assertIs(service, utils.service_client())
        self.config(answer_margin=7, group='valence')
        changed = utils.service_client()
        self.assertIsNot(service, changed)
        self.assertEqual(protocol.READ_BUDGET_SECONDS
                         + protocol.ANSWER_OVERSHOOT_SECONDS + 7,
                         changed.wait_for(protocol.READ_BUDGET_SECONDS))
        self.assertIs(changed, utils.service_client())

    def test_pool_follows_the_configuration(self):
        get = self._read_power_at(base.SERVICE_URL)
        moved = self._read_power_at('http://valence-2.test:8080')
        self.assertEqual('valence-2.test', moved.last_request.pool.host)
        self.assertIsNot(get.last_request.pool, moved.last_request.pool)

    def test_service_url_path_prefixes_every_call(self):
        get = self._read_power_at('http://valence-driver.test/driver/')
        self.assertEqual('/driver/v1/nodes/%s/power' % base.NODE_ID,
                         urllib3.util.parse_url(get.last_request.url).path)

    def test_put_sends_json(self):
        put = self.http.put(POWER_URL, json={'power_state': 'power on'})
        self.call('power', 'set_power_state', 'power on', shared=False)
        self.assertEqual('application/json',
                         put.last_request.headers['Content-Type'])
        self.assertEqual('power on', put.last_request.json()['target'])

    def test_redirect_is_an_error_not_followed(self):
        self.http.get(POWER_URL, status_code=307, text='',
                      headers={'Location': 'http://elsewhere.test/'})
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('answered HTTP 307: Temporary Redirect', str(error))
        self.assertEqual(1, self.http.call_count)

    def test_unauthorized_carries_service_message(self):
        self.http.get(POWER_URL, **base.problem(
            protocol.UNAUTHORIZED, 'Missing or wrong bearer token'))
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('answered HTTP 401 UNAUTHORIZED: Missing or wrong '
                      'bearer token (request id %s)'
                      % base.SERVICE_REQUEST_ID, str(error))

    def test_request_id_falls_back_to_the_one_sent(self):
        self.http.get(POWER_URL, status_code=502, text='Bad Gateway',
                      headers={'Content-Type': 'text/plain'})
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('answered HTTP 502: Bad Gateway (request id %s)'
                      % self.context.request_id, str(error))

    def test_long_error_page_is_cut(self):
        self.http.get(POWER_URL, status_code=500,
                      text='<html>' + 'x' * 5000 + '</html>')
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('answered HTTP 500: <html>xxx', str(error))
        self.assertNotIn('</html>', str(error))

    def test_unknown_problem_code_is_not_trusted(self):
        self.http.get(POWER_URL, status_code=409,
                      json={'code': 'SOMETHING_NEW', 'detail': 'busy'})
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('answered HTTP 409: busy', str(error))

    def test_success_that_is_not_json(self):
        self.http.get(POWER_URL, text='power on')
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('with a body that is not a JSON object', str(error))

    def test_success_that_is_not_an_object(self):
        self.http.get(POWER_URL, json=['power on'])
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('with a body that is not a JSON object', str(error))

    def test_connection_refused_names_service_url(self):
        self.http.get(POWER_URL, exc=fake_http.refused())
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('Cannot reach the Valence driver service at %s '
                      '(request id %s): '
                      % (base.SERVICE_URL, self.context.request_id),
                      str(error))
        self.assertIn('Connection refused', str(error))

    def test_read_timeout_names_service_url(self):
        self.http.get(POWER_URL, exc=fake_http.read_timeout())
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('Valence driver service at %s did not answer GET '
                      '/v1/nodes/%s/power within 16 seconds'
                      % (base.SERVICE_URL, base.NODE_ID), str(error))
        # The service had its whole time: asking again cannot help.
        self.assertEqual(1, self.http.call_count)

    def test_tls_failure_names_service_url(self):
        self.config(service_url='https://valence-driver.test:8443',
                    group='valence')
        self.http.get('https://valence-driver.test:8443/v1/nodes/%s/power'
                      % base.NODE_ID,
                      exc=urllib3.exceptions.SSLError(
                          'certificate verify failed'))
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('Cannot reach the Valence driver service at '
                      'https://valence-driver.test:8443', str(error))
        self.assertIn('certificate verify failed', str(error))

    def test_credentials_in_service_url_stay_out_of_messages(self):
        self.config(service_url='http://ironic:hunter2@valence-driver.test',
                    group='valence')
        self.http.get('http://ironic:hunter2@valence-driver.test/v1/nodes/'
                      '%s/power' % base.NODE_ID,
                      exc=fake_http.refused())
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('at http://valence-driver.test ', str(error))
        self.assertNotIn('hunter2', str(error))


class ExceptionsTestCase(base.ValenceTestCase):
    """One class per failure, and the Ironic exception each becomes."""

    def read_power(self):
        return utils.service_client().request(
            self.context, 'GET', '/v1/nodes/%s/power' % base.NODE_ID)

    def test_each_protocol_code_raises_its_class(self):
        self.config(read_attempts=1, group='valence')
        classes = set()
        for code in protocol.ERROR_CODES:
            with self.subTest(code=code):
                self.http.get(POWER_URL, **base.problem(code, 'it broke'))
                error = self.assertRaises(exceptions.ValenceServiceError,
                                          self.read_power)
                self.assertEqual(code, error.code)
                self.assertEqual(code, type(error).code)
                self.assertIn('HTTP %d %s: it broke'
                              % (protocol.ERROR_STATUS[code], code),
                              str(error))
                classes.add(type(error))
        self.assertEqual(len(protocol.ERROR_CODES), len(classes))

    def test_failures_without_a_code_raise_their_class(self):
        self.config(read_attempts=1, group='valence')
        for answer, cls in (
                ({'status_code': 502, 'text': 'Bad Gateway'},
                 exceptions.HTTPError),
                ({'status_code': 409, 'json': {'code': ['NODE_NOT_FOUND']}},
                 exceptions.HTTPError),
                ({'text': 'power on'}, exceptions.MalformedAnswer),
                ({'exc': fake_http.refused()}, exceptions.ConnectionFailed),
                ({'exc': urllib3.exceptions.SSLError('bad certificate')},
                 exceptions.ConnectionFailed),
                ({'exc': fake_http.read_timeout()},
                 exceptions.AnswerTimeout)):
            with self.subTest(answer=answer):
                self.http.get(POWER_URL, **answer)
                error = self.assertRaises(cls, self.read_power)
                self.assertIsNone(error.code)

    def test_each_class_becomes_the_interface_s_exception(self):
        self.config(read_attempts=1, group='valence')
        mapped = {protocol.NODE_NOT_FOUND: (exception.InvalidParameterValue,
                                            'Valence composed node %s not '
                                            'found' % base.NODE_ID),
                  protocol.POWER_STATE_CONFLICT: (
                      exception.PowerStateFailure,
                      'another change of its power state reversed this one')}
        for code in protocol.ERROR_CODES:
            with self.subTest(code=code):
                self.http.get(POWER_URL, **base.problem(code, 'it broke'))
                ironic, text = mapped.get(code, (
                    exception.PowerStateFailure,
                    'Reading the power state of node %s failed'
                    % self.node.uuid))
                error = self.assertRaises(ironic, self.get_power_state)
                self.assertIs(ironic, type(error))
                self.assertIn(text, str(error))
                self.assertIn('%s: it broke' % code, str(error))

    def test_service_url_error_is_a_configuration_error(self):
        self.config(service_url=[], group='valence')
        error = self.assertRaises(exceptions.InvalidConfiguration,
                                  utils.service_client)
        self.assertIsInstance(error, exceptions.ValenceServiceError)


class RetryTestCase(base.ValenceTestCase):
    """Reads are tried again on a transport hiccup, within the budget."""

    def setUp(self):
        super().setUp()
        self.log = self.capture_log(logging.WARNING)

    def _refused(self):
        return {'exc': fake_http.reset()}

    def test_read_retried_after_a_reset_connection(self):
        get = self.http.get(POWER_URL, [self._refused(),
                                        {'json': {'power_state': 'power on'}}])
        self.assertEqual('power on', self.get_power_state())
        self.assertEqual(2, get.call_count)
        self.assertEqual([1], self.clock.slept)
        self.assertIn('failed on attempt 1 of 3, trying again in 1 s: '
                      'Cannot reach the Valence driver service',
                      self.log.output)

    def test_read_retried_on_502_and_503(self):
        for status in (502, 503):
            with self.subTest(status=status):
                get = self.http.get(POWER_URL, [
                    {'status_code': status, 'text': 'try later'},
                    {'json': {'power_state': 'power off'}}])
                self.assertEqual('power off', self.get_power_state())
                self.assertEqual(2, get.call_count)

    def test_post_that_reads_is_retried(self):
        url = base.SERVICE_URL + '/v1/power-reads'
        post = self.http.post(url, [{'status_code': 503, 'text': 'later'},
                                    {'json': {'nodes': {}}}])
        self.assertEqual({'nodes': {}}, utils.service_client().request(
            self.context, 'POST', '/v1/power-reads',
            body={'nodes': [base.NODE_ID]}, read=True))
        self.assertEqual(2, post.call_count)

    def test_post_is_sent_once_unless_it_reads(self):
        url = base.SERVICE_URL + '/v1/nodes'
        post = self.http.post(url, status_code=503, text='later')
        self.assertRaises(exceptions.ValenceServiceError,
                          utils.service_client().request, self.context,
                          'POST', '/v1/nodes', body={'name': 'n'})
        self.assertEqual(1, post.call_count)

    def test_read_gives_up_after_read_attempts(self):
        self.config(read_attempts=4, read_retry_interval=2, answer_margin=10,
                    group='valence')
        get = self.http.get(POWER_URL, **base.problem(
            protocol.VALENCE_UNREACHABLE, 'PODM refused'))
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('VALENCE_UNREACHABLE: PODM refused', str(error))
        self.assertEqual(4, get.call_count)
        self.assertEqual([2, 2, 2], self.clock.slept)

    def test_one_attempt_means_no_retry(self):
        self.config(read_attempts=1, group='valence')
        get = self.http.get(POWER_URL, **self._refused())
        self.assertRaises(exception.PowerStateFailure, self.get_power_state)
        self.assertEqual(1, get.call_count)

    def test_lasting_answers_are_not_retried(self):
        for status in (400, 401, 404, 422, 500, 504):
            with self.subTest(status=status):
                get = self.http.get(POWER_URL, status_code=status,
                                    text='no')
                self.assertRaises((exception.PowerStateFailure,
                                   exception.InvalidParameterValue),
                                  self.get_power_state)
                self.assertEqual(1, get.call_count)

    def test_tls_failure_is_not_retried(self):
        get = self.http.get(POWER_URL, exc=urllib3.exceptions.SSLError(
            'certificate verify failed'))
        self.assertRaises(exception.PowerStateFailure, self.get_power_state)
        self.assertEqual(1, get.call_count)

    def test_no_call_builds_a_retrying(self):
        # Every read of a power sync goes through tenacity: the client
        # builds its Retrying once, never one per call.
        retrying = self.useFixture(fixtures.MockPatchObject(
            client.tenacity, 'Retrying', wraps=client.tenacity.Retrying))
        self.http.get(POWER_URL, [self._refused(),
                                  {'json': {'power_state': 'power on'}},
                                  {'json': {'power_state': 'power on'}}])
        self.get_power_state()
        self.assertEqual(1, retrying.mock.call_count)
        self.get_power_state()
        self.assertEqual(1, retrying.mock.call_count)

    def test_connect_timeout_is_retried(self):
        get = self.http.get(POWER_URL, [
            {'exc': urllib3.exceptions.ConnectTimeoutError('timed out')},
            {'json': {'power_state': 'power on'}}])
        self.assertEqual('power on', self.get_power_state())
        self.assertEqual(2, get.call_count)

    def _slow_503(self, request, context):
        # The service spent 4 s before it gave up on Valence.
        self.clock.now += 4
        context.status_code = 503
        return 'unavailable'

    def test_retries_stay_within_the_time_the_read_is_given(self):
        start = self.clock.now
        get = self.http.get(POWER_URL, text=self._slow_503)
        self.assertRaises(exception.PowerStateFailure, self.get_power_state)
        # After 4 s + 1 s of sleep, 11 s are left: just enough for the
        # service's whole answer (10 s budget + 1 s overshoot), so one more
        # try, given exactly the time left. After 9 s, no room: stop.
        self.assertEqual(2, get.call_count)
        self.assertEqual([(10, 16), (10, 11)],
                         [r.timeout for r in get.request_history])
        self.assertLessEqual(self.clock.now - start, 16)

    def test_larger_margin_leaves_room_for_retries(self):
        self.config(answer_margin=30, read_attempts=3, group='valence')
        get = self.http.get(POWER_URL, text=self._slow_503)
        self.assertRaises(exception.PowerStateFailure, self.get_power_state)
        self.assertEqual(3, get.call_count)

    def test_power_change_is_never_repeated(self):
        for answer in (self._refused(), {'status_code': 503, 'text': 'x'},
                       {'exc': urllib3.exceptions.ConnectTimeoutError('t/o')},
                       {'exc': fake_http.read_timeout()}):
            with self.subTest(answer=answer):
                put = self.http.put(POWER_URL, **answer)
                with task_manager.acquire(self.context,
                                          self.node.uuid) as task:
                    self.assertRaises(exception.PowerStateFailure,
                                      task.driver.power.set_power_state,
                                      task, 'power on')
                self.assertEqual(1, put.call_count)

    def test_boot_device_change_is_never_repeated(self):
        put = self.http.put(base.NODE_URL + '/boot-device',
                            **self._refused())
        with task_manager.acquire(self.context, self.node.uuid) as task:
            self.assertRaises(exception.DriverOperationError,
                              task.driver.management.set_boot_device,
                              task, 'pxe')
        self.assertEqual(1, put.call_count)

    def test_retry_log_has_no_token(self):
        self.http.get(POWER_URL, [
            {'exc': urllib3.exceptions.ProtocolError(
                'proxy said Bearer %s' % base.TOKEN)},
            {'json': {'power_state': 'power on'}}])
        self.get_power_state()
        self.assertIn('trying again', self.log.output)
        self.assertNotIn(base.TOKEN, self.log.output)


class TokenSecrecyTestCase(base.ValenceTestCase):

    def setUp(self):
        super().setUp()
        self.log = self.capture_log(logging.DEBUG)

    def test_token_echoed_by_the_service_is_removed(self):
        self.http.get(POWER_URL, **base.problem(
            protocol.UNAUTHORIZED, 'Token %s is not valid' % base.TOKEN))
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertIn('Token *** is not valid', str(error))
        self.assertNotIn(base.TOKEN, str(error))
        self.assertNotIn(base.TOKEN, self.log.output)

    def test_token_in_transport_error_is_removed(self):
        self.http.get(POWER_URL, exc=urllib3.exceptions.ProtocolError(
            'proxy rejected Authorization: Bearer %s' % base.TOKEN))
        error = self.assertRaises(exception.PowerStateFailure,
                                  self.get_power_state)
        self.assertNotIn(base.TOKEN, str(error))

    def test_token_not_logged_on_success(self):
        self.http.get(POWER_URL, json={'power_state': 'power on'})
        self.get_power_state()
        self.assertIn('GET /v1/nodes/%s/power' % base.NODE_ID,
                      self.log.output)
        self.assertNotIn(base.TOKEN, self.log.output)

    def test_token_not_logged_on_failure(self):
        self.http.get(POWER_URL, **base.problem(protocol.VALENCE_ERROR,
                                                'PODM said no'))
        self.assertRaises(exception.PowerStateFailure, self.get_power_state)
        self.assertIn('PODM said no', self.log.output)
        self.assertNotIn(base.TOKEN, self.log.output)

    def test_token_is_a_secret_option(self):
        self.assertTrue(conf.CONF.valence._group._opts['auth_token'][
            'opt'].secret)


class ListComposedNodesTestCase(base.ValenceTestCase):
    """list_composed_nodes(): every page of GET /v1/nodes, in time."""

    NODES_URL = base.SERVICE_URL + '/v1/nodes'

    def setUp(self):
        super().setUp()

    def _pages(self, pages, seconds_each=0):
        """Answers each page by its marker, taking seconds_each.

        :param pages: marker (None for the first page) -> (node ids of the
            page, next_marker).
        """
        def answer(request, context):
            query = urlparse.parse_qs(urlparse.urlsplit(request.url).query)
            self.assertEqual([str(protocol.NODE_LIST_MAX_LIMIT)],
                             query[protocol.NODE_LIST_LIMIT])
            ids, following = pages[query.get(protocol.NODE_LIST_MARKER,
                                             [None])[0]]
            self.clock.now += seconds_each
            return {'nodes': [{'node_id': i} for i in ids],
                    'next_marker': following}
        return self.http.get(self.NODES_URL, json=answer)

    def test_every_page_is_followed_from_its_marker(self):
        get = self._pages({None: (['a', 'b'], 'b'), 'b': (['c'], 'c'),
                           'c': ([], None)})
        nodes = utils.service_client().list_composed_nodes(self.context, 60)
        self.assertEqual(['a', 'b', 'c'], [n['node_id'] for n in nodes])
        self.assertEqual(3, get.call_count)
        self.assertEqual(self.context.request_id,
                         get.last_request.headers[protocol.REQUEST_ID_HEADER])

    def test_no_page_is_begun_that_could_not_end_in_time(self):
        get = self._pages({None: (['a'], 'a'), 'a': (['b'], 'b'),
                           'b': (['c'], None)}, seconds_each=10)
        # The first page fits the 35 s with its whole wait (16 s), the
        # second too (at 10 s), the third not (at 20 s).
        error = self.assertRaises(exceptions.ValenceServiceError,
                                  utils.service_client().list_composed_nodes,
                                  self.context, 35)
        self.assertIn('could not all be listed', str(error))
        self.assertIn('2 listed', str(error))
        self.assertEqual(2, get.call_count)

    def test_marker_that_does_not_advance_is_an_error(self):
        self._pages({None: (['b'], 'b'), 'b': ([], 'a')})
        error = self.assertRaises(exceptions.ValenceServiceError,
                                  utils.service_client().list_composed_nodes,
                                  self.context, 60)
        self.assertIn('does not come after', str(error))

    def test_answer_that_is_not_a_page_is_an_error(self):
        self.http.get(self.NODES_URL, json={'nodes': 'a-b-c'})
        error = self.assertRaises(exceptions.ValenceServiceError,
                                  utils.service_client().list_composed_nodes,
                                  self.context, 60)
        self.assertIn('not a page of nodes', str(error))

    def test_page_too_large_to_read_in_time_is_asked_in_halves(self):
        limits = []

        def answer(request, context):
            query = urlparse.parse_qs(urlparse.urlsplit(request.url).query)
            limit = int(query[protocol.NODE_LIST_LIMIT][0])
            limits.append(limit)
            if limit > 250:
                context.status_code = 504
                context.headers['Content-Type'] = 'application/problem+json'
                return {'code': protocol.VALENCE_TIMEOUT, 'detail': 'slow'}
            if protocol.NODE_LIST_MARKER in query:
                return {'nodes': [{'node_id': 'b'}], 'next_marker': None}
            return {'nodes': [{'node_id': 'a'}], 'next_marker': 'a'}
        self.http.get(self.NODES_URL, json=answer)

        nodes = utils.service_client().list_composed_nodes(self.context, 120)

        self.assertEqual(['a', 'b'], [n['node_id'] for n in nodes])
        self.assertEqual([1000, 500, 250, 250], limits)

    def test_page_halving_stops_at_the_smallest_limit(self):
        get = self.http.get(self.NODES_URL, **base.problem(
            protocol.VALENCE_TIMEOUT, 'Valence does not answer'))
        error = self.assertRaises(exceptions.ValenceServiceError,
                                  utils.service_client().list_composed_nodes,
                                  self.context, 600)
        self.assertEqual(protocol.VALENCE_TIMEOUT, error.code)
        self.assertEqual(
            ['limit=1000', 'limit=500', 'limit=250', 'limit=125'],
            [urlparse.urlsplit(r.url).query for r in get.request_history])

    def test_page_that_fails_fails_the_list(self):
        get = self.http.get(self.NODES_URL, **base.problem(
            protocol.INTERNAL_ERROR, 'see the log'))
        error = self.assertRaises(exceptions.ValenceServiceError,
                                  utils.service_client().list_composed_nodes,
                                  self.context, 60)
        self.assertEqual(protocol.INTERNAL_ERROR, error.code)
        self.assertEqual(1, get.call_count)
