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


"""The one HTTP client of the valence-driver-service.

ServiceClient calls the service through urllib3, with one connection pool
per replica of the service, shared by every call so that calls reuse
kept-alive connections (urllib3 checks that a kept-alive connection was not
closed by the service before it reuses it). Its constructor's arguments
alone say how the service is reached: proxy variables (HTTP_PROXY,
HTTPS_PROXY, ALL_PROXY, NO_PROXY), REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and
~/.netrc do not apply to the driver service, which runs beside the
conductor. urllib3 itself neither retries nor follows a redirect: the retry
and failover rules below are the only ones.

How long a call may take follows from the protocol's time budget: the
service answers within the budget of the call (protocol.READ_BUDGET_SECONDS
for a read, the power timeout for a power change) plus
protocol.ANSWER_OVERSHOOT_SECONDS, and the client waits answer_margin
seconds more, so that the service's answer, which says what went wrong,
always comes before the client gives up. A call that moves from a failed
replica to another one stays within that same time.

Replicas: a call goes to the first replica in the listed order that is not
known to be down. When that replica cannot take the call (no connection, a
broken connection, no answer in time, a proxy's HTTP 502/503, or the
service's SERVICE_UNAVAILABLE), the call moves to the next replica at once,
if what it is allows (see ServiceClient.request()), and the failed replica
is tried last by every call for replica_down_seconds; then one call tries
it in its place again. Valence's own failures, which the service reports
with a problem code, do not move a call: every replica talks to the same
Valence.
"""

import collections
import json
import math
import threading
import time

import certifi
from oslo_log import log
import tenacity
import urllib3

from ironic_valence import exceptions
from ironic_valence import paging
from ironic_valence import protocol

LOG = log.getLogger(__name__)

# One replica of the service: its URL as configured, as it may appear in
# messages (without userinfo), its connection pool, and its URL's own path,
# which every request target starts with.
_Replica = collections.namedtuple('_Replica',
                                  ['url', 'display', 'pool', 'prefix'])

_DEFAULT_PORTS = {'http': 80, 'https': 443}


def _display(url):
    """A service URL as it may appear in messages: without userinfo."""
    parsed = urllib3.util.parse_url(url)
    return parsed._replace(auth=None).url.rstrip('/')


def _identity(url):
    """What makes two service URLs the same replica."""
    parsed = urllib3.util.parse_url(url)
    return (parsed.scheme, parsed.host,
            parsed.port or _DEFAULT_PORTS[parsed.scheme],
            (parsed.path or '').rstrip('/'))


def check_service_urls(urls):
    """Check the replicas' URLs of [valence]service_url.

    :param urls: the list of URLs (each an http or https URI already).
    :returns: a message saying what is wrong, or None when they are usable.
    """
    if not urls:
        return ('[valence]service_url names no valence-driver-service; '
                'give one URL or more, separated by commas')
    seen = set()
    for url in urls:
        identity = _identity(url)
        if identity in seen:
            return ('[valence]service_url names %s more than once'
                    % _display(url))
        seen.add(identity)
    return None


def _new_replica(service_url, ca_file, insecure, pool_size):
    url = urllib3.util.parse_url(service_url)
    options = {
        # A call beyond pool_size kept-alive connections gets a connection
        # of its own rather than waiting for one.
        'maxsize': pool_size,
        'block': False,
        # The client's own rules (request()) decide what is tried again.
        'retries': False,
    }
    if url.scheme == 'https':
        if insecure:
            options['cert_reqs'] = 'CERT_NONE'
        else:
            options['cert_reqs'] = 'CERT_REQUIRED'
            options['ca_certs'] = ca_file or certifi.where()
    # The pool takes the scheme, host and port of the URL; a userinfo in
    # it is not sent, the bearer token being the service's one credential.
    pool = urllib3.connectionpool.connection_from_url(service_url,
                                                      **options)
    return _Replica(service_url, _display(service_url), pool,
                    (url.path or '').rstrip('/'))


class _Health(object):
    """The replicas that failed lately, shared by every call of a client.

    Keeps a sync cycle during a failover from paying a failed connection
    per node: a replica that failed is tried last until its time is up,
    then by one call in its listed place again, which either finds it
    answering or keeps it last for another while. Logs once when a replica
    goes down and once when it answers again, never per call.
    """

    def __init__(self, down_seconds):
        self._down_seconds = down_seconds
        self._lock = threading.Lock()
        # Replica URL -> monotonic time until which calls try it last.
        self._down = {}

    def order(self, replicas):
        """The replicas in the order a call tries them."""
        # Read without the lock: nearly every call finds no replica down.
        if not self._down:
            return replicas
        now = time.monotonic()
        first, last = [], []
        with self._lock:
            for replica in replicas:
                until = self._down.get(replica.url)
                if until is None:
                    first.append(replica)
                elif until <= now:
                    # This call tries it again; the others meanwhile keep
                    # trying it last.
                    self._down[replica.url] = now + self._down_seconds
                    first.append(replica)
                else:
                    last.append(replica)
        return first + last

    def failed(self, replica, error):
        with self._lock:
            known = replica.url in self._down
            self._down[replica.url] = time.monotonic() + self._down_seconds
        if not known:
            LOG.warning('Valence driver service replica %(url)s failed; '
                        'calls try it last for %(seconds)s s: %(error)s',
                        {'url': replica.display,
                         'seconds': self._down_seconds, 'error': error})

    def answered(self, replica):
        # Read without the lock: nearly every call finds no replica down.
        if replica.url not in self._down:
            return
        with self._lock:
            known = self._down.pop(replica.url, None) is not None
        if known:
            LOG.info('Valence driver service replica %s answers again',
                     replica.display)


class _Call(object):
    """One call to the service, over its replicas, within its deadline."""

    def __init__(self, context, method, path, body, budget, deadline, reads,
                 replay, budget_member, replicas, answer, headers):
        self.request_id = (getattr(context, 'request_id', None)
                           if context else None)
        self.method = method
        self.path = path
        self.body = body
        self.budget = budget
        self.deadline = deadline
        self.reads = reads
        self.replay = reads or replay
        self.budget_member = budget_member
        self.replicas = replicas
        self.answer = answer
        self.headers = dict(headers)
        if self.request_id:
            self.headers[protocol.REQUEST_ID_HEADER] = self.request_id
        if body is not None:
            self.headers['Content-Type'] = 'application/json'


def _retryable(error):
    return (isinstance(error, exceptions.ValenceServiceError)
            and error.retryable)


class ServiceClient(object):
    """The valence-driver-service, as its replicas serve it.

    One instance serves every call of a configuration: its connection
    pools and what it knows of failed replicas last across calls.
    """

    def __init__(self, service_urls, *, auth_token, ca_file, insecure,
                 connect_timeout, answer_margin, read_attempts,
                 read_retry_interval, replica_down_seconds, pool_size):
        """Build the client; no connection is made yet.

        :param service_urls: the base URLs of the replicas, in the order
            calls prefer them.
        :param auth_token: the bearer token the service expects, or None.
        :param ca_file: PEM file of the CA certificates of an https
            service, or None for certifi's bundle.
        :param insecure: whether the service's certificate goes unchecked.
        :param connect_timeout: seconds a connection may take, within the
            call's time.
        :param answer_margin: seconds the client waits beyond the time the
            service promises to answer in.
        :param read_attempts: how many times a read is tried.
        :param read_retry_interval: seconds between the tries of a read.
        :param replica_down_seconds: seconds a failed replica is tried last.
        :param pool_size: kept-alive connections per replica.
        :raises: InvalidConfiguration if service_urls names no URL, or one
            twice.
        """
        invalid = check_service_urls(service_urls)
        if invalid:
            raise exceptions.InvalidConfiguration(invalid)
        self._replicas = tuple(
            _new_replica(url, ca_file, insecure, pool_size)
            for url in service_urls)
        self._health = _Health(replica_down_seconds)
        self._token = auth_token
        self._headers = {'Accept': 'application/json'}
        if auth_token:
            self._headers['Authorization'] = 'Bearer %s' % auth_token
        self._connect_timeout = connect_timeout
        self._answer_margin = answer_margin
        self._read_attempts = read_attempts
        self._read_retry_interval = read_retry_interval
        # Shared by every read: tenacity keeps the state of a run per
        # thread.
        self._retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(_retryable),
            stop=(tenacity.stop_after_attempt(read_attempts)
                  | self._no_room_for_another),
            wait=tenacity.wait_fixed(read_retry_interval),
            sleep=time.sleep,
            before_sleep=self._log_retry,
            reraise=True)

    def redact(self, text):
        """Remove the bearer token from text meant for humans.

        The service never echoes the token, but its messages and the errors
        of the HTTP stack are passed on verbatim, so this is the last
        safeguard.
        """
        if self._token:
            text = text.replace(self._token, '***')
        return text

    def wait_for(self, budget):
        """Seconds the client waits for the answer to a call.

        :param budget: seconds the service may spend on the call.
        """
        return (budget + protocol.ANSWER_OVERSHOOT_SECONDS
                + self._answer_margin)

    def request(self, context, method, path, body=None,
                budget=protocol.READ_BUDGET_SECONDS, read=None,
                replay=False, budget_member=None, answer=dict):
        """Call the driver service and return its JSON answer.

        The call goes to the replicas in turn (see the module's
        docstring): when a replica cannot take it, it moves to the next
        one at once, given the time that is left. A read moves on every
        failure of the replica. A change moves only when it cannot have
        reached the replica (no connection, SERVICE_UNAVAILABLE), unless
        ``replay`` says it may be sent again even after it may have acted.

        A read is tried up to read_attempts times when no replica can be
        reached or the service answers HTTP 502/503, but only while the
        service's whole answer still fits in the time the call is given:
        the call, its moves and retries included, ends within
        wait_for(budget) seconds. A change is sent at most once to each
        replica: whether a change that failed on every replica reached
        Valence is not known, so repeating it is the caller's decision.

        :param context: the Ironic request context; its request_id is sent
            as X-Openstack-Request-Id so the service's and Valence's logs
            can be matched with Ironic's.
        :param method: HTTP method.
        :param path: path below the service URL, starting with /v1.
        :param body: JSON-serialisable request body, or None.
        :param budget: seconds the service may spend on the call: the read
            budget, or the power timeout of a power change.
        :param read: whether the call only reads, and so may be repeated:
            None means only a GET does; True for a POST that carries a
            read's arguments in its body (POST /v1/power-reads).
        :param replay: whether a change may be sent to another replica
            after the one it went to may have acted on it: the service
            reads the node first and sends nothing to Valence that is
            already done.
        :param budget_member: the member of ``body`` that carries
            ``budget`` (a power change's "timeout"); a change sent to
            another replica carries what is left of the call's time in it
            instead.
        :param answer: what the contract answers the call with: dict for a
            JSON object, list for a JSON array (a listing), None for no
            body (a decomposition's 204).
        :returns: the decoded JSON object or array of a 2xx answer, or
            None.
        :raises: ValenceServiceError (the subclass of its failure) when the
            service cannot be reached, does not answer in time, answers
            with an error, or answers with something else than
            ``answer``; or when too little time is left to send a change
            to another replica.
        """
        return self._run(self._call(
            context, method, path, body, budget,
            method == 'GET' if read is None else read, replay,
            budget_member, self._replicas, answer))

    def read_each(self, context, path):
        """Read path from every replica at once, each on its own.

        Each read follows request()'s rules with that replica alone, and
        all end within wait_for(protocol.READ_BUDGET_SECONDS).

        :param context: the Ironic request context.
        :param path: path below the service URL, starting with /v1.
        :returns: a list of (URL without userinfo, answer,
            ValenceServiceError) in the order of the replicas: the decoded
            JSON object and None when the replica answered, else None and
            the error.
        """
        calls = [self._call(context, 'GET', path, None,
                            protocol.READ_BUDGET_SECONDS, True, False, None,
                            (replica,), dict)
                 for replica in self._replicas]
        results = [None] * len(calls)

        def read(index, call):
            try:
                results[index] = (self._run(call), None)
            except exceptions.ValenceServiceError as e:
                results[index] = (None, e)

        threads = [threading.Thread(target=read, args=item, daemon=True,
                                    name='valence-read-each')
                   for item in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, calls[0].deadline - time.monotonic()))
        reports = []
        for call, result in zip(calls, results):
            display = call.replicas[0].display
            if result is None:
                # Its read was still ending when the time was up.
                result = (None, exceptions.AnswerTimeout(
                    'Valence driver service at %s did not answer in time'
                    % display, replica_failed=True))
            reports.append((display,) + result)
        return reports

    def list_composed_nodes(self, context, timeout):
        """Every composed node of Valence, following the node list's pages.

        Each page is one read (request()'s rules, retries and replicas
        included); a page is asked for only while its whole answer still
        fits in the time left, so the list is complete or the call fails.

        :param context: the Ironic request context; its request_id is sent.
        :param timeout: seconds within which the whole list is read; at
            least wait_for(protocol.READ_BUDGET_SECONDS), the time of one
            page.
        :returns: the node documents (node_id, name, index,
            composition_state, power_state), in the order of their node_id.
        :raises: ValenceServiceError when a page fails (the subclass of its
            failure), when the time runs out before the last page, or when
            an answer is not a page of nodes.
        """
        def fetch_page(path):
            return self.request(context, 'GET',
                                protocol.API_VERSION_PREFIX + path)

        return paging.every_node(fetch_page, time.monotonic() + timeout,
                                 self.wait_for(protocol.READ_BUDGET_SECONDS),
                                 exceptions.ValenceServiceError)

    def _call(self, context, method, path, body, budget, reads, replay,
              budget_member, replicas, answer):
        return _Call(context, method, path, body, budget,
                     time.monotonic() + self.wait_for(budget), reads, replay,
                     budget_member, replicas, answer, self._headers)

    def _run(self, call):
        """Make the call, and try a read again as request() says."""
        if not call.reads:
            return self._attempt(call)
        return self._retrying(self._attempt, call)

    def _no_room_for_another(self, retry_state):
        """Whether the read's time leaves no room for one more try."""
        call = retry_state.args[0]
        # What the service may need to answer in full; a retry that cannot
        # get it would be cut off before the service says what went wrong.
        needed = call.budget + protocol.ANSWER_OVERSHOOT_SECONDS
        return (call.deadline - time.monotonic()
                - self._read_retry_interval < needed)

    def _log_retry(self, retry_state):
        call = retry_state.args[0]
        LOG.warning('Valence driver service call %(method)s %(path)s '
                    '(request id %(rid)s) failed on attempt %(attempt)d of '
                    '%(attempts)d, trying again in %(interval)s s: '
                    '%(error)s',
                    {'method': call.method, 'path': call.path,
                     'rid': call.request_id,
                     'attempt': retry_state.attempt_number,
                     'attempts': self._read_attempts,
                     'interval': self._read_retry_interval,
                     'error': retry_state.outcome.exception()})

    def _attempt(self, call):
        """Send the call to the replicas in turn until one takes it.

        :returns: the answer of the first replica that took the call.
        :raises: ValenceServiceError of the last replica tried.
        """
        body = call.body
        error = None
        for replica in self._health.order(call.replicas):
            if error is not None:
                body = self._body_for_another(call, error)
            try:
                return self._send_to(call, replica, body)
            except exceptions.ValenceServiceError as e:
                if not (e.replica_failed and (e.unsent or call.replay)):
                    raise
                error = e
        raise error

    def _send_to(self, call, replica, body):
        """Send the call to one replica, and note whether it failed."""
        try:
            answer = self._send(call, replica, body)
        except exceptions.ValenceServiceError as e:
            error = e
        else:
            self._health.answered(replica)
            return answer
        # Outside the except clause: oslo.log would append the exception
        # being handled to the warning, which already names it.
        if error.replica_failed:
            self._health.failed(replica, error)
        else:
            self._health.answered(replica)
        raise error

    def _body_for_another(self, call, error):
        """The body of the call for the next replica.

        :param error: the ValenceServiceError of the replica before.
        :raises: that error when no time is left for another replica.
        :raises: an error of its class when too little is left for the
            service's least power timeout.
        """
        left = call.deadline - time.monotonic()
        if left <= 0:
            raise error
        LOG.debug('Valence driver service call %(method)s %(path)s '
                  '(request id %(rid)s) moves to the next replica: '
                  '%(error)s',
                  {'method': call.method, 'path': call.path,
                   'rid': call.request_id, 'error': error})
        if call.budget_member is None:
            return call.body
        # What is left, less what the client waits beyond the service's
        # promise, so that the service still answers first.
        budget = math.floor(left - protocol.ANSWER_OVERSHOOT_SECONDS
                            - self._answer_margin)
        if budget < protocol.POWER_TIMEOUT_MIN_SECONDS:
            raise type(error)(self.redact(
                '%(error)s; it was not sent to another replica: only '
                '%(left).1f of the call\'s %(wait)s seconds are left, fewer '
                'than the least %(member)s the service takes (%(min)s s) '
                'plus the %(more)s s the shim waits beyond it' %
                {'error': error, 'left': left,
                 'wait': self.wait_for(call.budget),
                 'member': call.budget_member,
                 'min': protocol.POWER_TIMEOUT_MIN_SECONDS,
                 'more': (protocol.ANSWER_OVERSHOOT_SECONDS
                          + self._answer_margin)}))
        return dict(call.body, **{call.budget_member: budget})

    def _send(self, call, replica, body):
        """One HTTP exchange with a replica, in the time left of the call.

        :param replica: the _Replica to send to.
        :param body: the request body to encode, or None.
        """
        seconds_left = call.deadline - time.monotonic()
        timeout = urllib3.Timeout(
            connect=min(self._connect_timeout, seconds_left),
            read=seconds_left)
        LOG.debug('Valence driver service call %(method)s %(path)s '
                  '(request id %(rid)s) to %(url)s',
                  {'method': call.method, 'path': call.path,
                   'rid': call.request_id, 'url': replica.display})
        try:
            response = replica.pool.urlopen(
                call.method, replica.prefix + call.path,
                body=None if body is None else json.dumps(body).encode(
                    'utf-8'),
                headers=call.headers, timeout=timeout, retries=False,
                redirect=False)
        except urllib3.exceptions.HTTPError as e:
            raise self._transport_error(e, call, replica,
                                        seconds_left) from e

        if not 200 <= response.status < 300:
            try:
                exceptions.raise_for_response(response, replica.display,
                                              call.request_id, self.redact)
            except exceptions.ValenceServiceError as e:
                LOG.debug('Valence driver service call %(method)s %(path)s '
                          'failed: %(error)s',
                          {'method': call.method, 'path': call.path,
                           'error': e})
                raise
        if call.answer is None:
            return None
        try:
            answer = json.loads(response.data)
        except ValueError:
            answer = None
        if not isinstance(answer, call.answer):
            raise exceptions.MalformedAnswer(self.redact(
                'Valence driver service at %(url)s answered %(method)s '
                '%(path)s with a body that is not a JSON %(kind)s (request '
                'id %(rid)s)' %
                {'url': replica.display, 'method': call.method,
                 'path': call.path,
                 'kind': 'array' if call.answer is list else 'object',
                 'rid': call.request_id}))
        return answer

    def _transport_error(self, error, call, replica, seconds_left):
        """The exception for an exchange that got no answer.

        Every such failure is the replica's. Retryable only when the
        request cannot have reached the service, or a read may simply be
        tried again: a connection that was not made, or one that broke
        (ProtocolError, e.g. reset or closed under the request).

        :param error: the urllib3 exception; with retries off, urllib3
            raises the one the exchange met.
        :returns: an AnswerTimeout or a ConnectionFailed.
        """
        # A connection that was never made carried no request; a TLS
        # failure happens while the connection is made.
        unsent = isinstance(error, (urllib3.exceptions.NewConnectionError,
                                    urllib3.exceptions.ConnectTimeoutError,
                                    urllib3.exceptions.SSLError))
        if isinstance(error, urllib3.exceptions.NewConnectionError):
            retryable = True
        elif isinstance(error, urllib3.exceptions.TimeoutError):
            message = self.redact(
                'Valence driver service at %(url)s did not answer '
                '%(method)s %(path)s within %(timeout).0f seconds (request '
                'id %(rid)s): %(error)s' %
                {'url': replica.display, 'method': call.method,
                 'path': call.path, 'timeout': seconds_left,
                 'rid': call.request_id, 'error': error})
            # After a read timeout the service had its whole time, and may
            # have acted.
            return exceptions.AnswerTimeout(
                message, retryable=unsent, replica_failed=True,
                unsent=unsent)
        else:
            # A TLS failure will fail the same way again.
            retryable = isinstance(error, urllib3.exceptions.ProtocolError)
        message = self.redact(
            'Cannot reach the Valence driver service at %(url)s '
            '(request id %(rid)s): %(error)s' %
            {'url': replica.display, 'rid': call.request_id,
             'error': error})
        return exceptions.ConnectionFailed(
            message, retryable=retryable, replica_failed=True, unsent=unsent)
