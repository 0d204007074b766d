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

"""tools/bench soak: hostile requests, Valence's faults, 200 clients.

Starts the emulator (40 nodes, 100 ms transitions) and the service as it
ships (scripts/service-layout: the JVM options of
valence-driver-service/jvm.options, the extracted jar and its archive of
loaded classes), then sends hostile requests, plays every fault of the
emulator, and loads the service with 200 clients; one table row per
request and a non-zero exit on any 5xx without a `code`, an answer later
than the protocol's time budget allows, a connection the service reset or
closed without an answer, or the token in the service's log. About 2.5
minutes (20 s of load); --short: under a minute (3 s of load; scripts/test
runs it); --compare-memory: also a service with the JVM's defaults, loaded
in turn. Every request goes to 127.0.0.1 and every loop is bounded in
count and in time, the whole run by --max-seconds.
"""

import http.client
import json
import re
import runpy
import secrets
import socket
import threading
import time
import urllib.parse

import ports

from valence_bench import children
from valence_bench import loadclient
from valence_bench import proc
from valence_bench import results

PROTOCOL = runpy.run_path(str(
    children.ROOT / 'shim-python' / 'ironic_valence' / 'protocol.py'))
OVERSHOOT_S = PROTOCOL['ANSWER_OVERSHOOT_SECONDS']
# What the service promises for a request that is not a power change.
READ_BOUND_S = PROTOCOL['READ_BUDGET_SECONDS'] + OVERSHOOT_S
POWER_TIMEOUT_S = 20
POWER_BOUND_S = POWER_TIMEOUT_S + OVERSHOOT_S
REQUEST_ID = PROTOCOL['REQUEST_ID_HEADER']

PROFILES = {
    'full': {'load_s': 20, 'latency_ms': 3000},
    'short': {'load_s': 3, 'latency_ms': 300},
}
LOAD_CLIENTS = 200
RSS_SAMPLE_S = 0.5
# Readiness reports the service's last background probe of Valence: a fault
# shows within one probe interval and timeout (docs/service.md).
PROBE_LAG_S = 5 + 5 + 2
STATUS = re.compile(rb'^HTTP/1\.[01] (\d{3})')
CODE = re.compile(rb'"code"\s*:\s*"([A-Z_]+)"')


class Soak:
    """Sends requests, keeps the table, decides the verdict."""

    def __init__(self, service_url, token):
        url = urllib.parse.urlsplit(service_url)
        if url.hostname not in ('127.0.0.1', '::1'):
            raise SystemExit('refusing to soak %s: loopback only'
                             % service_url)
        self.host, self.port = url.hostname, url.port
        self.token = token
        self.rows = []
        self.failures = []

    def raw(self, name, request, expect, bound_s=READ_BOUND_S,
            expect_code=None, problem=True):
        """Sends bytes as written and records the answer.

        expect: the statuses that are right; expect_code: the code that
        must come with them; problem: whether an error answer must be a
        problem document (not the actuator's health document).
        """
        began = time.monotonic()
        status = code = None
        verdict = 'ok'
        try:
            with socket.create_connection((self.host, self.port),
                                          timeout=bound_s) as conn:
                conn.settimeout(bound_s)
                conn.sendall(request)
                answer = b''
                while time.monotonic() - began < bound_s:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
                else:
                    raise socket.timeout()
            match = STATUS.match(answer)
            if not match:
                verdict = 'FAIL: closed without an answer'
            else:
                status = int(match.group(1))
                found = CODE.search(answer)
                code = found.group(1).decode() if found else None
        except socket.timeout:
            verdict = 'FAIL: no answer within %ss' % bound_s
        except ConnectionResetError:
            verdict = 'FAIL: connection reset by the service'
        except OSError as e:
            verdict = 'FAIL: %s' % e
        elapsed = time.monotonic() - began
        if status is not None:
            if elapsed > bound_s:
                verdict = 'FAIL: answered after %.1fs (bound %ss)' % (
                    elapsed, bound_s)
            elif status >= 500 and code is None and problem:
                verdict = 'FAIL: %d without a code' % status
            elif status >= 400 and code is None and problem:
                verdict = 'FAIL: %d is not a problem document' % status
            elif status not in expect:
                verdict = 'FAIL: expected %s' % '/'.join(map(str, expect))
            elif expect_code and status >= 400 and code not in expect_code:
                verdict = 'FAIL: expected code %s' % '/'.join(expect_code)
        self.rows.append((name, status, code, elapsed * 1000, verdict))
        if verdict != 'ok':
            self.failures.append('%s: %s' % (name, verdict))

    def status(self, request):
        """The status of the answer to request, not recorded; None if none."""
        try:
            with socket.create_connection((self.host, self.port),
                                          timeout=READ_BOUND_S) as conn:
                conn.sendall(request)
                match = STATUS.match(conn.recv(65536))
        except OSError:
            return None
        return int(match.group(1)) if match else None

    def request(self, method, target, *headers, body=None, auth=True):
        """A request as bytes, with Host, Connection: close and the token."""
        lines = ['%s %s HTTP/1.1' % (method, target), 'Host: 127.0.0.1']
        if auth:
            lines.append('Authorization: Bearer %s' % self.token)
        lines.extend(headers)
        if body is not None:
            lines.append('Content-Type: application/json')
            lines.append('Content-Length: %d' % len(body))
        lines.append('Connection: close')
        head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
        return head + (body.encode() if body is not None else b'')

    def table(self, title):
        print('\n%s' % title)
        print('    %-58s %6s %-20s %9s  %s'
              % ('request', 'status', 'code', 'ms', 'verdict'))
        for name, status, code, ms, verdict in self.rows:
            print('    %-58s %6s %-20s %9.1f  %s'
                  % (name[:58], status if status is not None else '-',
                     code or '-', ms, verdict))
        self.rows = []


def hostile(soak, node):
    """At least 40 distinct hostile requests; none may reach Valence."""
    r = soak.request
    power = '/v1/nodes/%s/power' % node
    boot = '/v1/nodes/%s/boot-device' % node
    bad = (400,)
    unauthorized = (401,)
    unknown = (404,)
    token = soak.token
    cases = [
        # auth
        ('no Authorization', r('GET', power, auth=False), unauthorized),
        ('wrong token', r('GET', power, 'Authorization: Bearer x' + token,
                          auth=False), unauthorized),
        ('token under Basic', r('GET', power, 'Authorization: Basic ' + token,
                                auth=False), unauthorized),
        ('empty bearer', r('GET', power, 'Authorization: Bearer ',
                           auth=False), unauthorized),
        ('token with a control character',
         r('GET', power, 'Authorization: Bearer %s\x01' % token, auth=False),
         bad),
        ('token with a NUL', r('GET', power, 'Authorization: Bearer \x00'
                               + token, auth=False), bad),
        ('token with a C1 byte', r('GET', power, 'Authorization: Bearer %s\x85'
                                   % token, auth=False), bad),
        ('token as a header line without a colon',
         r('GET', power, 'Bearer ' + token, auth=False), bad),
        ('8 KiB bearer token', r('GET', power, 'Authorization: Bearer '
                                 + 'a' * 8192, auth=False), bad),
        ('change without token', r('PUT', power, auth=False,
                                   body='{"target": "power on"}'),
         unauthorized),
        # ids
        ('NUL in the node id', r('GET', '/v1/nodes/a\x00b/power'), bad),
        ('encoded NUL in the node id', r('GET', '/v1/nodes/a%00b/power'), bad),
        ('encoded slash in the node id',
         r('GET', '/v1/nodes/..%2Fpod_managers/power'), bad),
        ('encoded backslash in the node id',
         r('GET', '/v1/nodes/..%5Cpod_managers/power'), bad),
        ('double-encoded slash', r('GET', '/v1/nodes/..%252Fpods/power'), bad),
        ('encoded dots as the node id', r('GET', '/v1/nodes/%2e%2e/power'),
         bad),
        ('dot in the node id', r('GET', '/v1/nodes/node.1/power'), bad),
        ('semicolon in the node id', r('GET', '/v1/nodes/node;rm/power'), bad),
        ('65-character node id', r('GET', '/v1/nodes/%s/power' % ('n' * 65)),
         bad),
        ('raw UTF-8 in the node id',
         r('GET', '/v1/nodes/n\u0153ud/power'.encode().decode('latin-1')),
         bad),
        ('space in the path', r('GET', '/v1/nodes/a b/power'), bad),
        # paths
        ('unknown route', r('GET', '/v1/nodes/%s/firmware' % node), unknown),
        ('dot segments to the actuator', r('GET', '/v1/../actuator/env'),
         bad),
        ('actuator heap dump', r('GET', '/actuator/heapdump'), unknown),
        ('absolute-form target naming another host',
         r('GET', 'http://valence.example%s' % power), bad),
        ('asterisk target', r('GET', '*'), bad),
        ('10 KiB path', r('GET', '/v1/nodes/' + 'a' * 10240), bad),
        # bodies
        ('target as a number', r('PUT', power, body='{"target": 0}'), bad),
        ('target as a number in a string',
         r('PUT', power, body='{"target": "0"}'), bad),
        ('boot device as a number', r('PUT', boot, body='{"boot_device": 0}'),
         bad),
        ('target given twice', r('PUT', power, body='{"target": "power on", '
                                 '"target": "power off"}'), bad),
        ('timeout as a string', r('PUT', power, body='{"target": "power on", '
                                  '"timeout": "30"}'), bad),
        ('fractional timeout', r('PUT', power, body='{"target": "power on", '
                                 '"timeout": 1.5}'), bad),
        ('persistent as 1', r('PUT', boot, body='{"boot_device": "pxe", '
                              '"persistent": 1}'), bad),
        ('null target', r('PUT', power, body='{"target": null}'), bad),
        ('unknown field', r('PUT', power, body='{"target": "power on", '
                            '"force": true}'), bad),
        ('trailing garbage', r('PUT', power, body='{"target": "power on"} x'),
         bad),
        ('empty body', r('PUT', power, body=''), bad),
        ('20 KB body',
         r('PUT', boot, body='{"boot_device": "pxe", "pad": "%s"}'
           % ('x' * 20000)), bad),
        ('body as text/plain',
         r('PUT', power, 'Content-Type: text/plain', 'Content-Length: 22')
         + b'{"target": "power on"}', bad),
        # headers
        ('64 KiB header', r('GET', power, 'X-Padding: ' + 'a' * 65536), bad),
        ('request id with a bare CR',
         r('GET', power, '%s: req-1\rforged' % REQUEST_ID), bad),
        ('8 KiB request id', r('GET', power, '%s: %s' % (REQUEST_ID,
                                                         'r' * 8192)), bad),
        ('Content-Length that is not a number',
         r('PUT', power, 'Content-Type: application/json',
           'Content-Length: twelve'), bad),
        ('Content-Length and chunked together',
         r('PUT', power, 'Content-Type: application/json',
           'Content-Length: 5', 'Transfer-Encoding: chunked') + b'0\r\n\r\n',
         bad),
        ('unsupported transfer coding',
         r('PUT', power, 'Content-Type: application/json',
           'Transfer-Encoding: gzip'), bad),
        ('unacceptable Accept', r('GET', power, 'Accept: application/xml'),
         bad),
        # methods and versions
        ('TRACE', r('TRACE', power), bad),
        ('DELETE', r('DELETE', power), bad),
        ('PATCH', r('PATCH', power, body='{"target": "power on"}'), bad),
        ('unknown method', r('FROB', power), bad),
        ('CONNECT', r('CONNECT', '127.0.0.1:22'), bad),
        ('HTTP/1.7', r('GET', power).replace(b'HTTP/1.1', b'HTTP/1.7', 1),
         bad),
    ]
    for name, request, expect in cases:
        soak.raw(name, request, expect, expect_code=(
            ('UNAUTHORIZED',) if expect == unauthorized else
            ('ROUTE_NOT_FOUND',) if expect == unknown else
            ('INVALID_REQUEST',)))
    return len(cases)


def readiness(soak, name, ready):
    """Readiness once its probe has seen Valence as it is now.

    The service's answers are not recorded until then: each is the last
    probe's, at once.
    """
    request = soak.request('GET', '/actuator/health/readiness', auth=False)
    began = time.monotonic()
    while (time.monotonic() - began < PROBE_LAG_S
           and soak.status(request) not in ready):
        time.sleep(0.2)
    soak.raw(name, request, ready, problem=False)


def set_fault(emulator, path, fault):
    if fault is None:
        status, _ = emulator.call('DELETE', path)
        expect = 204
    else:
        status, _ = emulator.call('PUT', path, fault)
        expect = 200
    if status != expect:
        raise RuntimeError('emulator %s answered %s' % (path, status))


def faults(soak, emulator, nodes, profile):
    """Every fault of the emulator, for all of Valence and for one node."""
    latency = {'latency_ms': profile['latency_ms']}
    # (name, fault, statuses of a read, statuses of a boot device change,
    # codes). Malformed answers are played after Valence acted: a boot
    # device change, whose answer has no body to read, then succeeds.
    played = [
        ('latency %d ms' % profile['latency_ms'], latency, (200,), (200,),
         None),
        ('error rate 1.0', {'error_rate': 1.0}, (502,), (502,),
         ('VALENCE_ERROR',)),
        ('error rate 0.5', {'error_rate': 0.5}, (200, 502), (200, 502),
         ('VALENCE_ERROR',)),
        ('down (503)', {'down': True}, (502,), (502,), ('VALENCE_ERROR',)),
        ('malformed body', {'malformed_body': True}, (502,), (200,),
         ('VALENCE_ERROR',)),
        ('dropped connection', {'drop_connection': True}, (502,), (502,),
         ('VALENCE_UNREACHABLE',)),
    ]
    r = soak.request
    for scope in ('global', 'node'):
        for name, fault, expect, boot_expect, codes in played:
            node = nodes.pop()
            path = ('/emulator/faults' if scope == 'global'
                    else '/emulator/nodes/%s/faults' % node)
            set_fault(emulator, path, fault)
            try:
                label = '%s %s: ' % (scope, name)
                soak.raw(label + 'GET power',
                         r('GET', '/v1/nodes/%s/power' % node), expect,
                         expect_code=codes)
                soak.raw(label + 'PUT power on',
                         r('PUT', '/v1/nodes/%s/power' % node,
                           body='{"target": "power on", "timeout": %d}'
                           % POWER_TIMEOUT_S),
                         expect, bound_s=POWER_BOUND_S, expect_code=codes)
                soak.raw(label + 'PUT boot device',
                         r('PUT', '/v1/nodes/%s/boot-device' % node,
                           body='{"boot_device": "pxe"}'), boot_expect,
                         expect_code=codes)
                if scope == 'global':
                    soak.raw(label + 'GET connection',
                             r('GET', '/v1/connection'), (200,))
                    # Readiness asks Valence too: DOWN when it fails.
                    ready = tuple(200 if s == 200 else 503 for s in expect)
                    readiness(soak, label + 'GET readiness', ready)
            finally:
                set_fault(emulator, path, None)
    # Nothing stays stuck once the faults are gone.
    soak.raw('after the faults: GET power',
             r('GET', '/v1/nodes/%s/power' % nodes[0]), (200,))
    readiness(soak, 'after the faults: readiness', (200,))


def load(soak, base_url, nodes, seconds, pid):
    """LOAD_CLIENTS keep-alive clients reading power states for `seconds`.

    Returns a summary; a 5xx without a code, a reset or a late answer is a
    failure. The service's resident set size is sampled meanwhile.
    """
    results = [{'ok': 0, 'errors': 0, 'latencies': [], 'late': 0,
                'broken': 0, 'uncoded': 0} for _ in range(LOAD_CLIENTS)]
    start = threading.Barrier(LOAD_CLIENTS + 1, timeout=60)
    done = threading.Event()

    def client(i):
        mine = results[i]
        conn = loadclient.Client(base_url, soak.token)
        try:
            start.wait()
            deadline = time.monotonic() + seconds
            for n in range(10 ** 6):
                if time.monotonic() >= deadline:
                    break
                node = nodes[(i + n) % len(nodes)]
                began = time.perf_counter()
                try:
                    status, body = conn.call('GET',
                                             '/v1/nodes/%s/power' % node)
                except (OSError, http.client.HTTPException):
                    mine['broken'] += 1
                    conn = loadclient.Client(base_url, soak.token)
                    continue
                elapsed = time.perf_counter() - began
                mine['latencies'].append(elapsed)
                if elapsed > READ_BOUND_S:
                    mine['late'] += 1
                if status == 200:
                    mine['ok'] += 1
                else:
                    mine['errors'] += 1
                    if status >= 500 and not CODE.search(body):
                        mine['uncoded'] += 1
        finally:
            conn.close()

    rss = []

    def sample():
        while not done.wait(RSS_SAMPLE_S):
            rss.append(proc.vm_rss_bytes(pid))

    threads = [threading.Thread(target=client, args=(i,), daemon=True)
               for i in range(LOAD_CLIENTS)]
    for t in threads:
        t.start()
    sampler = threading.Thread(target=sample, daemon=True)
    start.wait()
    began = time.perf_counter()
    sampler.start()
    for t in threads:
        t.join(seconds + READ_BOUND_S + 30)
    wall = time.perf_counter() - began
    done.set()
    sampler.join(5)
    rss.append(proc.vm_rss_bytes(pid))
    total = {key: sum(r[key] for r in results)
             for key in ('ok', 'errors', 'late', 'broken', 'uncoded')}
    latencies = sorted(x for r in results for x in r['latencies'])
    total.update(
        stuck=sum(t.is_alive() for t in threads), wall=wall,
        per_s=(total['ok'] + total['errors']) / wall,
        p50=loadclient.percentile(latencies, 50),
        p99=loadclient.percentile(latencies, 99),
        max=latencies[-1] if latencies else None,
        rss_peak=max(rss), rss_end=rss[-1])
    return total


def report_load(name, total):
    mib = 1024 * 1024
    print('    %-9s %8d %6d %6d %7.0f %8s %8s %8s %5d %5d %6d %9.1f %8.1f'
          % (name, total['ok'], total['errors'], total['uncoded'],
             total['per_s'], loadclient.ms(total['p50']).strip(),
             loadclient.ms(total['p99']).strip(),
             loadclient.ms(total['max']).strip(), total['late'],
             total['broken'], total['stuck'], total['rss_peak'] / mib,
             total['rss_end'] / mib))


LOAD_HEADER = ('    %-9s %8s %6s %6s %7s %8s %8s %8s %5s %5s %6s %9s %8s'
               % ('service', 'ok', 'errors', '5xx-nc', 'req/s', 'p50 ms',
                  'p99 ms', 'max ms', 'late', 'reset', 'stuck',
                  'RSS peak', 'RSS end'))


def check_load(soak, name, total):
    for key, what in (('uncoded', '5xx without a code'),
                      ('late', 'answers later than %ss' % READ_BOUND_S),
                      ('broken', 'broken connections'),
                      ('stuck', 'clients still waiting')):
        if total[key]:
            soak.failures.append('load %s: %d %s' % (name, total[key], what))


def token_in_log(token, log):
    with open(log, 'rb') as f:
        return token.encode() in f.read()


def start(started, args, token, deadline):
    """The emulator, the service as it ships and, to compare, a baseline.

    :returns: the emulator's URL, and (name, URL, child) of each service.
    """
    emulator_port, service_port, baseline_port = ports.free_ports(3)
    emulator_url = 'http://127.0.0.1:%d' % emulator_port
    emulator = started.emulator(emulator_port, 40, '100ms')
    services = [('bounded', service_port, started.service(
        service_port, emulator_url, token))]
    if args.compare_memory:
        services.append(('default', baseline_port, started.service(
            baseline_port, emulator_url, token,
            ['java', '-jar', children.SERVICE_JAR], name='baseline')))
    emulator.wait_ready(emulator_url + '/', deadline)
    for _, port, child in services:
        child.wait_ready('http://127.0.0.1:%d/actuator/health' % port,
                         deadline)
    return emulator_url, [(name, 'http://127.0.0.1:%d' % port, child)
                          for name, port, child in services]


def run(args, started, deadline):
    token = 'soak-' + secrets.token_urlsafe(32)
    profile = PROFILES['short' if args.short else 'full']
    emulator_url, services = start(started, args, token, deadline)
    soak = Soak(services[0][1], token)
    emulator = loadclient.Client(emulator_url)
    emulator.call('POST', '/emulator/reset')
    nodes = [n['uuid'] for n in emulator.json('GET', '/v1/nodes')]

    count = hostile(soak, nodes[0])
    status, body = emulator.call('GET', '/emulator/nodes/%s' % nodes[0])
    reached = json.loads(body)['actions_received'] if status == 200 else None
    if reached != 0:
        soak.failures.append('hostile requests reached Valence: %s actions'
                             % reached)
    soak.table('(1) %d hostile requests; actions Valence received: %s'
               % (count, reached))

    deadline.check('the faults')
    faults(soak, emulator, list(nodes), profile)
    soak.table('(2) the emulator\'s faults, for all of Valence and for one '
               'node (bounds: %ss for reads, timeout + %ss for power changes)'
               % (READ_BOUND_S, OVERSHOOT_S))
    emulator.close()

    deadline.check('the load')
    print('\n(3) %d clients, %ss each round, GET /v1/nodes/{id}/power over '
          '%d nodes' % (LOAD_CLIENTS, profile['load_s'], len(nodes)))
    print(LOAD_HEADER)
    rounds = [(name, url, child.pid) for name, url, child in services]
    if len(rounds) > 1:
        rounds = rounds + rounds
    loads = []
    for name, url, pid in rounds:
        total = load(soak, url, nodes, profile['load_s'], pid)
        report_load(name, total)
        check_load(soak, name, total)
        loads.append({'service': name, **{
            key: total[key] for key in ('ok', 'errors', 'per_s', 'p50',
                                        'p99', 'rss_peak', 'rss_end')}})

    # Whatever the services wrote while stopping counts too.
    started.stop_all()
    logs = [child.log_path for _, _, child in services]
    leaked = [str(log) for log in logs if token_in_log(token, log)]
    if leaked:
        soak.failures.append('the token is in %s' % ', '.join(leaked))
    print('\n(4) token in the services\' logs: %s'
          % ('YES' if leaked else 'no'))
    results.write(results.record('soak', args.command, {
        'clients': LOAD_CLIENTS, 'load_s': profile['load_s'],
        'loads': loads}))
    if soak.failures:
        print('\nFAILED:')
        for failure in soak.failures:
            print('  ' + failure)
        return 1
    print('\nall checks passed')
    return 0


def main(argv, prog):
    parser = children.parser(prog, __doc__, 600)
    parser.add_argument('--short', action='store_true',
                        help='3 s of load and shorter faults')
    parser.add_argument('--compare-memory', action='store_true',
                        help='also a service with the JVM\'s defaults, '
                        'loaded in turn with the one as it ships')
    return children.run_parsed(parser, argv, run)
