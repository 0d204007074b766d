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
connection pool for the configured service URL, shared by every interface
so that calls reuse kept-alive connections (urllib3 checks that a kept-alive
connection was not closed by the service before it reuses it). Configuration
(URL, token, TLS) is read on every call; a changed service_url, ca_file or
insecure builds a new pool.

Ironic's power sync makes one call per node per cycle, so the call's own
CPU counts (docs/performance.md, "The shim's cost per node, in-process"):
requests' preparation, hooks, cookies and adapters cost more than the
exchange itself, and none of them is needed here. Nothing is taken from the
process environment: proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
NO_PROXY), REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and ~/.netrc do not apply to
the driver service, which runs beside the conductor; the [valence] options
alone say how it is reached. urllib3 itself neither retries nor follows a
redirect: the retry rules below are the only ones.

How long a call may take follows from the protocol's time budget: the
service answers within the budget of the call (protocol.READ_BUDGET_SECONDS
for a read, the power timeout for a power change) plus
protocol.ANSWER_OVERSHOOT_SECONDS, and the shim waits [valence]answer_margin
seconds more, so that the service's answer, which says what went wrong,
always comes before the shim gives up.
"""

import collections
import json
import threading
import time
from urllib import parse as urlparse

import certifi
from oslo_log import log
import tenacity
import urllib3

from ironic_valence import conf as valence_conf
from ironic_valence import problem
from ironic_valence import protocol

CONF = valence_conf.CONF
LOG = log.getLogger(__name__)


# Answers that say the service, or a proxy in front of it, could not serve
# the request this time; a read is worth trying again.
_RETRYABLE_STATUSES = frozenset([502, 503])

# The service's connections, for one configuration of the URL and TLS.
_Pool = collections.namedtuple('_Pool', ['config', 'pool', 'prefix'])
_pool = None
_pool_lock = threading.Lock()


class ServiceError(Exception):
    """A call to the driver service failed.

    The interfaces turn it into the Ironic exception their callers expect;
    it never leaves this package. ``code`` is a protocol error code, or
    None when the service could not be reached or gave no usable answer.
    ``retryable`` says that the request did not get through this time (no
    connection, or HTTP 502/503) and a read may be tried again.
    The message never contains the bearer token.
    """

    def __init__(self, message, code=None, status=None, retryable=False):
        super().__init__(message)
        self.code = code
        self.status = status
        self.retryable = retryable


def _get_pool(conf):
    """The connection pool of the configured service URL and TLS options.

    :returns: a _Pool; its prefix is the service URL's own path, which
        every request target starts with.
    """
    global _pool
    config = (conf.service_url, conf.ca_file, conf.insecure)
    current = _pool
    if current is not None and current.config == config:
        return current
    with _pool_lock:
        if _pool is None or _pool.config != config:
            # Not closed: a call may still be using the old pool; urllib3
            # closes its connections once it is no longer referenced.
            _pool = _new_pool(*config)
        return _pool


def _new_pool(service_url, ca_file, insecure):
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
    return _Pool((service_url, ca_file, insecure), pool,
                 (url.path or '').rstrip('/'))


def _display_url():
    """The service URL as it may appear in messages: without userinfo."""
    parts = urlparse.urlsplit(CONF.valence.service_url)
    netloc = parts.netloc.rpartition('@')[2]
    return urlparse.urlunsplit(parts._replace(netloc=netloc)).rstrip('/')


def redact(text):
    """Remove the configured bearer token from text meant for humans.

    The service never echoes the token, but its messages and the errors of
    the HTTP stack are passed on verbatim, so this is the last safeguard.
    """
    token = CONF.valence.auth_token
    if token:
        text = text.replace(token, '***')
    return text


def _request_id(context):
    return getattr(context, 'request_id', None) if context else None


def _headers(token, request_id):
    headers = {'Accept': 'application/json'}
    if token:
        headers['Authorization'] = 'Bearer %s' % token
    if request_id:
        headers[protocol.REQUEST_ID_HEADER] = request_id
    return headers


def _problem(response, sent_request_id):
    """Build the ServiceError for a non-2xx answer."""
    code, detail, request_id, _node_id = problem.read(
        response.status, response.headers, response.data, response.reason,
        sent_request_id)
    message = ('Valence driver service at %(url)s answered HTTP %(status)s'
               '%(code)s: %(detail)s (request id %(rid)s)' %
               {'url': _display_url(), 'status': response.status,
                'code': ' ' + code if code else '', 'detail': detail,
                'rid': request_id})
    return ServiceError(redact(message), code=code, status=response.status,
                        retryable=response.status in _RETRYABLE_STATUSES)


def wait_for(budget):
    """Seconds the shim waits for the answer to a call.

    :param budget: seconds the service may spend on the call.
    """
    return (budget + protocol.ANSWER_OVERSHOOT_SECONDS
            + CONF.valence.answer_margin)


def request(context, method, path, body=None,
            budget=protocol.READ_BUDGET_SECONDS, read=None):
    """Call the driver service and return its JSON answer.

    A read is tried up to [valence]read_attempts times when the service
    cannot be reached or answers HTTP 502/503, but only while the service's
    whole answer still fits in the time the call is given: the call, its
    retries included, ends within wait_for(budget) seconds. Any other
    call changes the node and is sent once: whether a failed change
    reached Valence is not known, so repeating it is the caller's decision.

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
    :returns: the decoded JSON object of a 2xx answer.
    :raises: ServiceError when the service cannot be reached, does not
        answer in time, answers with an error, or answers with something
        that is not a JSON object.
    """
    request_id = _request_id(context)
    deadline = time.monotonic() + wait_for(budget)
    # Each option is read once per call: an option read is a lookup
    # through oslo.config, and this runs once per node per power sync.
    conf = CONF.valence
    pool = _get_pool(conf)
    headers = _headers(conf.auth_token, request_id)
    if body is not None:
        body = json.dumps(body).encode('utf-8')
        headers['Content-Type'] = 'application/json'
    connect_timeout = conf.connect_timeout

    def attempt():
        return _send(pool, method, path, body, headers, request_id,
                     connect_timeout, deadline - time.monotonic())

    try:
        return attempt()
    except ServiceError as e:
        if not e.retryable or not (method == 'GET' if read is None
                                   else read):
            raise
        first_failure = e
    return _retry(attempt, first_failure, method, path, request_id,
                  deadline, budget)


def _retry(attempt, first_failure, method, path, request_id, deadline,
           budget):
    """Tries a read again after its first attempt failed retryably.

    tenacity counts, stops, waits and logs as if it had made the first
    attempt itself: it is handed the first failure as its attempt 1. The
    read that succeeds the first time, as nearly every read of a power
    sync does, so never builds a Retrying.
    """
    conf = CONF.valence
    attempts = conf.read_attempts
    interval = conf.read_retry_interval
    # What the service may need to answer in full; a retry that cannot get
    # it would be cut off before the service says what went wrong.
    needed = budget + protocol.ANSWER_OVERSHOOT_SECONDS
    pending = [first_failure]

    def next_attempt():
        if pending:
            raise pending.pop()
        return attempt()

    def no_room_left(retry_state):
        return deadline - time.monotonic() - interval < needed

    def log_retry(retry_state):
        LOG.warning('Valence driver service call %(method)s %(path)s '
                    '(request id %(rid)s) failed on attempt %(attempt)d of '
                    '%(attempts)d, trying again in %(interval)s s: '
                    '%(error)s',
                    {'method': method, 'path': path, 'rid': request_id,
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


def _send(pool, method, path, body, headers, request_id, connect_timeout,
          seconds_left):
    """One HTTP exchange with the service, given seconds_left to answer.

    :param pool: the _Pool of the service.
    :param path: the path below the service URL.
    :param body: the encoded request body, or None.
    """
    timeout = urllib3.Timeout(connect=min(connect_timeout, seconds_left),
                              read=seconds_left)
    LOG.debug('Valence driver service call %(method)s %(path)s '
              '(request id %(rid)s)',
              {'method': method, 'path': path, 'rid': request_id})
    try:
        response = pool.pool.urlopen(method, pool.prefix + path, body=body,
                                     headers=headers, timeout=timeout,
                                     retries=False, redirect=False)
    except urllib3.exceptions.HTTPError as e:
        raise _transport_error(e, method, path, request_id,
                               seconds_left) from e

    if not 200 <= response.status < 300:
        error = _problem(response, request_id)
        LOG.debug('Valence driver service call %(method)s %(path)s '
                  'failed: %(error)s',
                  {'method': method, 'path': path, 'error': error})
        raise error
    try:
        answer = json.loads(response.data)
    except ValueError:
        answer = None
    # Every answer of the contract is a JSON object.
    if not isinstance(answer, dict):
        raise ServiceError(redact(
            'Valence driver service at %(url)s answered %(method)s %(path)s '
            'with a body that is not a JSON object (request id %(rid)s)' %
            {'url': _display_url(), 'method': method, 'path': path,
             'rid': request_id}), status=response.status)
    return answer


def _transport_error(error, method, path, request_id, seconds_left):
    """The ServiceError for an exchange that got no answer.

    Retryable only when the request cannot have reached the service, or a
    read may simply be tried again: a connection that was not made, or one
    that broke (ProtocolError, e.g. reset or closed under the request).

    :param error: the urllib3 exception; with retries off, urllib3 raises
        the one the exchange met.
    """
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        retryable = True
    elif isinstance(error, urllib3.exceptions.TimeoutError):
        message = redact(
            'Valence driver service at %(url)s did not answer %(method)s '
            '%(path)s within %(timeout).0f seconds (request id %(rid)s): '
            '%(error)s' % {'url': _display_url(), 'method': method,
                           'path': path, 'timeout': seconds_left,
                           'rid': request_id, 'error': error})
        # A connection that was never made carried no request; after a
        # read timeout the service had its whole time, and may have acted.
        return ServiceError(message, retryable=isinstance(
            error, urllib3.exceptions.ConnectTimeoutError))
    else:
        # A TLS failure will fail the same way again.
        retryable = isinstance(error, urllib3.exceptions.ProtocolError)
    message = redact(
        'Cannot reach the Valence driver service at %(url)s '
        '(request id %(rid)s): %(error)s' %
        {'url': _display_url(), 'rid': request_id, 'error': error})
    return ServiceError(message, retryable=retryable)
