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

The calls go through urllib3, requests' own transport, used directly: one
connection pool per configured replica of the service ([valence]service_url
lists them), shared by every interface so that calls reuse kept-alive
connections (urllib3 checks that a kept-alive connection was not closed by
the service before it reuses it). Configuration (URLs, token, TLS) is read
on every call; a changed service_url, ca_file or insecure builds new pools.

Ironic's power sync makes one call per node per cycle, so the call's own
CPU counts (docs/performance.md, "The shim's cost per node, in-process"):
requests' preparation, hooks, cookies and adapters cost more than the
exchange itself, and none of them is needed here. Nothing is taken from the
process environment: proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
NO_PROXY), REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and ~/.netrc do not apply to
the driver service, which runs beside the conductor; the [valence] options
alone say how it is reached. urllib3 itself neither retries nor follows a
redirect: the retry and failover rules below are the only ones.

How long a call may take follows from the protocol's time budget: the
service answers within the budget of the call (protocol.READ_BUDGET_SECONDS
for a read, the power timeout for a power change) plus
protocol.ANSWER_OVERSHOOT_SECONDS, and the shim waits [valence]answer_margin
seconds more, so that the service's answer, which says what went wrong,
always comes before the shim gives up. A call that moves from a failed
replica to another one stays within that same time.

Replicas: a call goes to the first replica in the listed order that is not
known to be down. When that replica cannot take the call (no connection, a
broken connection, no answer in time, a proxy's HTTP 502/503, or the
service's SERVICE_UNAVAILABLE), the call moves to the next replica at once,
if what it is allows (see request()), and the failed replica is tried last
by every call for [valence]replica_down_seconds; then one call tries it in
its place again. Valence's own failures, which the service reports with a
problem code, do not move a call: every replica talks to the same Valence.
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

from ironic_valence import conf as valence_conf
from ironic_valence import paging
from ironic_valence import problem
from ironic_valence import protocol

CONF = valence_conf.CONF
LOG = log.getLogger(__name__)


# Answers that say the service, or a proxy in front of it, could not serve
# the request this time; a read is worth trying again.
_RETRYABLE_STATUSES = frozenset([502, 503])

# One replica of the service: its URL as configured, as it may appear in
# messages (without userinfo), its connection pool, and its URL's own path,
# which every request target starts with.
_Replica = collections.namedtuple('_Replica',
                                  ['url', 'display', 'pool', 'prefix'])
# The replicas of one configuration of the URLs and TLS, in listed order.
_Replicas = collections.namedtuple('_Replicas', ['config', 'replicas'])
_replicas = None
_replicas_lock = threading.Lock()

_DEFAULT_PORTS = {'http': 80, 'https': 443}


class ServiceError(Exception):
    """A call to the driver service failed.

    The interfaces turn it into the Ironic exception their callers expect;
    it never leaves this package. ``code`` is a protocol error code, or
    None when the service could not be reached or gave no usable answer.
    ``retryable`` says that the request did not get through this time (no
    connection, or HTTP 502/503) and a read may be tried again.
    ``replica_failed`` says that the replica the call went to could not
    take it, so another replica may; ``unsent`` that the replica cannot
    have acted on it (no connection was made, or it says it took no action).
    ``node_id`` names the composed node a failed composition left behind.
    The message never contains the bearer token.
    """

    def __init__(self, message, code=None, status=None, retryable=False,
                 replica_failed=False, unsent=False, node_id=None):
        super().__init__(message)
        self.code = code
        self.node_id = node_id
        self.status = status
        self.retryable = retryable
        self.replica_failed = replica_failed
        self.unsent = unsent


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


def _get_replicas(conf):
    """The replicas of the configured service URLs and TLS options.

    :returns: a tuple of _Replica, in the order service_url lists them.
    :raises: ServiceError if service_url names no URL, or one twice.
    """
    global _replicas
    config = (tuple(conf.service_url), conf.ca_file, conf.insecure)
    current = _replicas
    if current is not None and current.config == config:
        return current.replicas
    with _replicas_lock:
        if _replicas is None or _replicas.config != config:
            invalid = check_service_urls(config[0])
            if invalid:
                raise ServiceError(invalid)
            # Not closed: a call may still be using an old pool; urllib3
            # closes its connections once it is no longer referenced.
            _replicas = _Replicas(config, tuple(
                _new_replica(url, *config[1:]) for url in config[0]))
            _HEALTH.keep_only(config[0])
        return _replicas.replicas


def _new_replica(service_url, ca_file, insecure):
    url = urllib3.util.parse_url(service_url)
    options = {
        # One kept-alive connection per sync worker; a call beyond that
        # gets a connection of its own rather than waiting for one.
        'maxsize': CONF.conductor.sync_power_state_workers,
        'block': False,
        # The shim's own rules (request()) decide what is tried again.
        'retries': False,
    }
    if url.scheme == 'https':
        if insecure:
            options['cert_reqs'] = 'CERT_NONE'
        else:
            options['cert_reqs'] = 'CERT_REQUIRED'
            # requests' bundle, which the shim used before it called
            # urllib3 directly.
            options['ca_certs'] = ca_file or certifi.where()
    # The pool takes the scheme, host and port of the URL; a userinfo in
    # it is not sent, the bearer token being the service's one credential.
    pool = urllib3.connectionpool.connection_from_url(service_url,
                                                      **options)
    return _Replica(service_url, _display(service_url), pool,
                    (url.path or '').rstrip('/'))


class _Health(object):
    """The replicas that failed lately, shared by every call.

    Keeps a sync cycle during a failover from paying a failed connection
    per node: a replica that failed is tried last until its time is up,
    then by one call in its listed place again, which either finds it
    answering or keeps it last for another while. Logs once when a replica
    goes down and once when it answers again, never per call.
    """

    def __init__(self):
        self._lock = threading.Lock()
        # Replica URL -> monotonic time until which calls try it last.
        self._down = {}

    def order(self, replicas, conf):
        """The replicas in the order a call tries them.

        :param conf: the [valence] options.
        """
        # Read without the lock: nearly every call finds no replica down.
        if not self._down:
            return replicas
        down_seconds = conf.replica_down_seconds
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
                    self._down[replica.url] = now + down_seconds
                    first.append(replica)
                else:
                    last.append(replica)
        return first + last

    def failed(self, replica, error, conf):
        down_seconds = conf.replica_down_seconds
        with self._lock:
            known = replica.url in self._down
            self._down[replica.url] = time.monotonic() + down_seconds
        if not known:
            LOG.warning('Valence driver service replica %(url)s failed; '
                        'calls try it last for %(seconds)s s: %(error)s',
                        {'url': replica.display, 'seconds': down_seconds,
                         'error': error})

    def answered(self, replica):
        # Read without the lock: nearly every call finds no replica down.
        if replica.url not in self._down:
            return
        with self._lock:
            known = self._down.pop(replica.url, None) is not None
        if known:
            LOG.info('Valence driver service replica %s answers again',
                     replica.display)

    def keep_only(self, urls):
        """Forget the replicas no longer configured."""
        with self._lock:
            for url in set(self._down) - set(urls):
                del self._down[url]


_HEALTH = _Health()


def redact(text):
    """Remove the configured bearer token from text meant for humans.

    The service never echoes the token, but its messages and the errors of
    the HTTP stack are passed on verbatim, so this is the last safeguard.
    """
    token = CONF.valence.auth_token
    if token:
        text = text.replace(token, '***')
    return text


def _headers(token, request_id):
    headers = {'Accept': 'application/json'}
    if token:
        headers['Authorization'] = 'Bearer %s' % token
    if request_id:
        headers[protocol.REQUEST_ID_HEADER] = request_id
    return headers


def _problem(response, sent_request_id, replica):
    """Build the ServiceError for a non-2xx answer."""
    code, detail, request_id, node_id = problem.read(
        response.status, response.headers, response.data, response.reason,
        sent_request_id)
    message = ('Valence driver service at %(url)s answered HTTP %(status)s'
               '%(code)s: %(detail)s (request id %(rid)s)' %
               {'url': replica.display, 'status': response.status,
                'code': ' ' + code if code else '', 'detail': detail,
                'rid': request_id})
    retryable = response.status in _RETRYABLE_STATUSES
    # A 502/503 without the service's code comes from a proxy in front of
    # the replica; one with a Valence code is Valence's, which every
    # replica talks to.
    unsent = code == protocol.SERVICE_UNAVAILABLE
    return ServiceError(redact(message), code=code, status=response.status,
                        retryable=retryable,
                        replica_failed=unsent or (retryable and code is None),
                        unsent=unsent, node_id=node_id)


def wait_for(budget):
    """Seconds the shim waits for the answer to a call.

    :param budget: seconds the service may spend on the call.
    """
    return (budget + protocol.ANSWER_OVERSHOOT_SECONDS
            + CONF.valence.answer_margin)


def request(context, method, path, body=None,
            budget=protocol.READ_BUDGET_SECONDS, read=None, replay=False,
            budget_member=None, answer=dict):
    """Call the driver service and return its JSON answer.

    The call goes to the replicas of [valence]service_url in turn (see the
    module's docstring): when a replica cannot take it, it moves to the
    next one at once, given the time that is left. A read moves on every
    failure of the replica. A change moves only when it cannot have reached
    the replica (no connection, SERVICE_UNAVAILABLE), unless ``replay``
    says it may be sent again even after it may have acted.

    A read is tried up to [valence]read_attempts times when no replica can
    be reached or the service answers HTTP 502/503, but only while the
    service's whole answer still fits in the time the call is given: the
    call, its moves and retries included, ends within wait_for(budget)
    seconds. A change is sent at most once to each replica: whether a
    change that failed on every replica reached Valence is not known, so
    repeating it is the caller's decision.

    :param context: the Ironic request context; its request_id is sent as
        X-Openstack-Request-Id so the service's and Valence's logs can be
        matched with Ironic's.
    :param method: HTTP method.
    :param path: path below the service URL, starting with /v1.
    :param body: JSON-serialisable request body, or None.
    :param budget: seconds the service may spend on the call: the read
        budget, or the power timeout of a power change.
    :param read: whether the call only reads, and so may be repeated: None
        means only a GET does; True for a POST that carries a read's
        arguments in its body (POST /v1/power-reads).
    :param replay: whether a change may be sent to another replica after
        the one it went to may have acted on it: the service reads the node
        first and sends nothing to Valence that is already done.
    :param budget_member: the member of ``body`` that carries ``budget``
        (a power change's "timeout"); a change sent to another replica
        carries what is left of the call's time in it instead.
    :param answer: what the contract answers the call with: dict for a
        JSON object, list for a JSON array (a listing), None for no body
        (a decomposition's 204).
    :returns: the decoded JSON object or array of a 2xx answer, or None.
    :raises: ServiceError when the service cannot be reached, does not
        answer in time, answers with an error, or answers with something
        else than ``answer``; or when too little time is left to send a
        change to another replica.
    """
    # Each option is read once per call: an option read is a lookup
    # through oslo.config, and this runs once per node per power sync.
    conf = CONF.valence
    return _run(_Call(context, method, path, body, budget, conf,
                      method == 'GET' if read is None else read, replay,
                      budget_member, _get_replicas(conf), answer), conf)


def read_each(context, path):
    """Read path from every replica at once, each on its own.

    Each read follows request()'s rules with that replica alone, and all
    end within wait_for(protocol.READ_BUDGET_SECONDS).

    :param context: the Ironic request context.
    :param path: path below the service URL, starting with /v1.
    :returns: a list of (URL without userinfo, answer, ServiceError) in the
        order [valence]service_url lists the replicas: the decoded JSON
        object and None when the replica answered, else None and the error.
    :raises: ServiceError if service_url names no URL, or one twice.
    """
    conf = CONF.valence
    calls = [_Call(context, 'GET', path, None,
                   protocol.READ_BUDGET_SECONDS, conf, True, False, None,
                   (replica,), dict)
             for replica in _get_replicas(conf)]
    results = [None] * len(calls)

    def read(index, call):
        try:
            results[index] = (_run(call, conf), None)
        except ServiceError as e:
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
            result = (None, ServiceError(
                'Valence driver service at %s did not answer in time'
                % display, replica_failed=True))
        reports.append((display,) + result)
    return reports


def list_composed_nodes(context, timeout):
    """Every composed node of Valence, following the node list's pages.

    Each page is one read (request()'s rules, retries and replicas
    included); a page is asked for only while its whole answer still fits
    in the time left, so the list is complete or the call fails.

    :param context: the Ironic request context; its request_id is sent.
    :param timeout: seconds within which the whole list is read; at least
        wait_for(protocol.READ_BUDGET_SECONDS), the time of one page.
    :returns: the node documents (node_id, name, index,
        composition_state, power_state), in the order of their node_id.
    :raises: ServiceError when a page fails, when the time runs out before
        the last page, or when an answer is not a page of nodes.
    """
    def fetch_page(path):
        return request(context, 'GET', protocol.API_VERSION_PREFIX + path)

    return paging.every_node(fetch_page, time.monotonic() + timeout,
                             wait_for(protocol.READ_BUDGET_SECONDS),
                             ServiceError)


def _run(call, conf):
    """Make the call, and try a read again as request() says."""
    try:
        return call.attempt()
    except ServiceError as e:
        if not e.retryable or not call.reads:
            raise
        first_failure = e
    return _retry(call, first_failure, conf)


class _Call(object):
    """One call to the service, over the replicas, within its deadline."""

    def __init__(self, context, method, path, body, budget, conf, reads,
                 replay, budget_member, replicas, answer):
        self.request_id = (getattr(context, 'request_id', None)
                           if context else None)
        self.deadline = time.monotonic() + wait_for(budget)
        self.method = method
        self.path = path
        self.budget = budget
        self.reads = reads
        self.replay = reads or replay
        self.budget_member = budget_member
        self.body = body
        self.replicas = replicas
        self.answer = answer
        self.headers = _headers(conf.auth_token, self.request_id)
        if body is not None:
            self.headers['Content-Type'] = 'application/json'
        self.connect_timeout = conf.connect_timeout
        # Read only when a replica fails: the options a call always needs
        # are read above, once.
        self.conf = conf

    def attempt(self):
        """Send the call to the replicas in turn until one takes it.

        :returns: the answer of the first replica that took the call.
        :raises: ServiceError of the last replica tried.
        """
        body = self.body
        error = None
        for replica in _HEALTH.order(self.replicas, self.conf):
            if error is not None:
                body = self._body_for_another(error)
            try:
                return self._send_to(replica, body)
            except ServiceError as e:
                if not (e.replica_failed and (e.unsent or self.replay)):
                    raise
                error = e
        raise error

    def _send_to(self, replica, body):
        """Send the call to one replica, and note whether it failed."""
        try:
            answer = _send(replica, self.method, self.path, _encode(body),
                           self.headers, self.request_id,
                           self.connect_timeout,
                           self.deadline - time.monotonic(), self.answer)
        except ServiceError as e:
            error = e
        else:
            _HEALTH.answered(replica)
            return answer
        # Outside the except clause: oslo.log would append the exception
        # being handled to the warning, which already names it.
        if error.replica_failed:
            _HEALTH.failed(replica, error, self.conf)
        else:
            _HEALTH.answered(replica)
        raise error

    def _body_for_another(self, error):
        """The body of the call for the next replica.

        :param error: the ServiceError of the replica before.
        :raises: that error when no time is left for another replica.
        :raises: ServiceError when too little is left for the service's
            least power timeout.
        """
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error
        LOG.debug('Valence driver service call %(method)s %(path)s '
                  '(request id %(rid)s) moves to the next replica: '
                  '%(error)s',
                  {'method': self.method, 'path': self.path,
                   'rid': self.request_id, 'error': error})
        if self.budget_member is None:
            return self.body
        margin = self.conf.answer_margin
        # What is left, less what the shim waits beyond the service's
        # promise, so that the service still answers first.
        budget = math.floor(left - protocol.ANSWER_OVERSHOOT_SECONDS
                            - margin)
        if budget < protocol.POWER_TIMEOUT_MIN_SECONDS:
            raise ServiceError(redact(
                '%(error)s; it was not sent to another replica: only '
                '%(left).1f of the call\'s %(wait)s seconds are left, fewer '
                'than the least %(member)s the service takes (%(min)s s) '
                'plus the %(more)s s the shim waits beyond it' %
                {'error': error, 'left': left, 'wait': wait_for(self.budget),
                 'member': self.budget_member,
                 'min': protocol.POWER_TIMEOUT_MIN_SECONDS,
                 'more': protocol.ANSWER_OVERSHOOT_SECONDS + margin}),
                code=error.code, status=error.status)
        return dict(self.body, **{self.budget_member: budget})


def _encode(body):
    return None if body is None else json.dumps(body).encode('utf-8')


def _retry(call, first_failure, conf):
    """Tries a read again after its first attempt failed retryably.

    tenacity counts, stops, waits and logs as if it had made the first
    attempt itself: it is handed the first failure as its attempt 1. The
    read that succeeds the first time, as nearly every read of a power
    sync does, so never builds a Retrying.
    """
    attempts = conf.read_attempts
    interval = conf.read_retry_interval
    # What the service may need to answer in full; a retry that cannot get
    # it would be cut off before the service says what went wrong.
    needed = call.budget + protocol.ANSWER_OVERSHOOT_SECONDS
    pending = [first_failure]

    def next_attempt():
        if pending:
            raise pending.pop()
        return call.attempt()

    def no_room_left(retry_state):
        return call.deadline - time.monotonic() - interval < needed

    def log_retry(retry_state):
        LOG.warning('Valence driver service call %(method)s %(path)s '
                    '(request id %(rid)s) failed on attempt %(attempt)d of '
                    '%(attempts)d, trying again in %(interval)s s: '
                    '%(error)s',
                    {'method': call.method, 'path': call.path,
                     'rid': call.request_id,
                     'attempt': retry_state.attempt_number,
                     'attempts': attempts, 'interval': interval,
                     'error': retry_state.outcome.exception()})

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(
            lambda e: isinstance(e, ServiceError) and e.retryable),
        stop=tenacity.stop_after_attempt(attempts) | no_room_left,
        wait=tenacity.wait_fixed(interval),
        sleep=time.sleep,
        before_sleep=log_retry,
        reraise=True)
    return retrying(next_attempt)


def _send(replica, method, path, body, headers, request_id, connect_timeout,
          seconds_left, expected):
    """One HTTP exchange with a replica, given seconds_left to answer.

    :param replica: the _Replica to send to.
    :param path: the path below the service URL.
    :param body: the encoded request body, or None.
    :param expected: the type of the answer's JSON, or None for no body.
    """
    timeout = urllib3.Timeout(connect=min(connect_timeout, seconds_left),
                              read=seconds_left)
    LOG.debug('Valence driver service call %(method)s %(path)s '
              '(request id %(rid)s) to %(url)s',
              {'method': method, 'path': path, 'rid': request_id,
               'url': replica.display})
    try:
        response = replica.pool.urlopen(method, replica.prefix + path,
                                        body=body, headers=headers,
                                        timeout=timeout, retries=False,
                                        redirect=False)
    except urllib3.exceptions.HTTPError as e:
        raise _transport_error(e, replica, method, path, request_id,
                               seconds_left) from e

    if not 200 <= response.status < 300:
        error = _problem(response, request_id, replica)
        LOG.debug('Valence driver service call %(method)s %(path)s '
                  'failed: %(error)s',
                  {'method': method, 'path': path, 'error': error})
        raise error
    if expected is None:
        return None
    try:
        answer = json.loads(response.data)
    except ValueError:
        answer = None
    if not isinstance(answer, expected):
        raise ServiceError(redact(
            'Valence driver service at %(url)s answered %(method)s %(path)s '
            'with a body that is not a JSON %(kind)s (request id %(rid)s)' %
            {'url': replica.display, 'method': method, 'path': path,
             'kind': 'array' if expected is list else 'object',
             'rid': request_id}), status=response.status)
    return answer


def _transport_error(error, replica, method, path, request_id,
                     seconds_left):
    """The ServiceError for an exchange that got no answer.

    Every such failure is the replica's. Retryable only when the request
    cannot have reached the service, or a read may simply be tried again:
    a connection that was not made, or one that broke (ProtocolError, e.g.
    reset or closed under the request).

    :param error: the urllib3 exception; with retries off, urllib3 raises
        the one the exchange met.
    """
    # A connection that was never made carried no request; a TLS failure
    # happens while the connection is made.
    unsent = isinstance(error, (urllib3.exceptions.NewConnectionError,
                                urllib3.exceptions.ConnectTimeoutError,
                                urllib3.exceptions.SSLError))
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        retryable = True
    elif isinstance(error, urllib3.exceptions.TimeoutError):
        message = redact(
            'Valence driver service at %(url)s did not answer %(method)s '
            '%(path)s within %(timeout).0f seconds (request id %(rid)s): '
            '%(error)s' % {'url': replica.display, 'method': method,
                           'path': path, 'timeout': seconds_left,
                           'rid': request_id, 'error': error})
        # After a read timeout the service had its whole time, and may
        # have acted.
        return ServiceError(message, retryable=unsent, replica_failed=True,
                            unsent=unsent)
    else:
        # A TLS failure will fail the same way again.
        retryable = isinstance(error, urllib3.exceptions.ProtocolError)
    message = redact(
        'Cannot reach the Valence driver service at %(url)s '
        '(request id %(rid)s): %(error)s' %
        {'url': replica.display, 'rid': request_id, 'error': error})
    return ServiceError(message, retryable=retryable, replica_failed=True,
                        unsent=unsent)
