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

"""Checks the manifests the Helm chart renders against what the service does.

Reads `helm template` output (a file or stdin) and the service's
application.yml (and the prod profile's file beside it, since the chart runs
that profile), then holds the Deployment to the promises of
docs/operator-guide.md ("Kubernetes"): at least two replicas, rolled one new
pod before an old one goes; startup, liveness and readiness probes on health
groups the service really defines, on the port it really listens on, with
liveness independent of Valence; a PodDisruptionBudget and a Service that
select the Deployment's pods; the bearer token and Valence's password only
from a Secret; requests and limits; a non-root user; and a grace period
longer than the pre-stop pause plus Spring's shutdown phase. Prints every
failure and exits 1 when there is one; scripts/check-chart runs it.
"""

import argparse
import re
import sys

import yaml


SECRET_ENV = ('VALENCE_DRIVER_TOKEN', 'VALENCE_PASSWORD')
# Spring Boot's spring.lifecycle.timeout-per-shutdown-phase when unset.
DEFAULT_SHUTDOWN_PHASE = 30.0
SHUTDOWN_PHASE_PROPERTY = 'spring.lifecycle.timeout-per-shutdown-phase'
SHUTDOWN_PHASE_ENV = ('SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE',
                      'SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE')
DURATION_UNITS = {'ns': 1e-9, 'us': 1e-6, 'ms': 1e-3, 's': 1.0, 'm': 60.0,
                  'h': 3600.0, 'd': 86400.0}
ISO_DURATION = re.compile(r'^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$',
                          re.IGNORECASE)
PLACEHOLDER = re.compile(r'^\$\{([A-Za-z0-9_.-]+)(?::(.*))?\}$')
QUANTITY = re.compile(r'^(\d+(?:\.\d+)?)([a-zA-Z]*)$')
MEMORY_UNITS = {'': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'Ki': 2 ** 10,
                'Mi': 2 ** 20, 'Gi': 2 ** 30}
CPU_UNITS = {'': 1.0, 'm': 1e-3}


class Failures(list):
    """The failures found so far, each a sentence."""

    def check(self, condition, message):
        if not condition:
            self.append(message)
        return condition


def lookup(tree, dotted, default=None):
    """A property of a Spring YAML file by its dotted name, or default."""
    node = tree
    for key in dotted.split('.'):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def resolve(value, env):
    """A ${NAME:default} placeholder as the container's env resolves it."""
    match = PLACEHOLDER.match(str(value))
    if not match:
        return value
    return env.get(match.group(1), match.group(2))


def duration_seconds(text):
    """A Spring Duration ("30s", "1m", "PT45S", "500" in ms) in seconds.

    :raises ValueError: when the text is none of these.
    """
    text = str(text).strip()
    if text.isdigit():
        return int(text) / 1000.0
    iso = ISO_DURATION.match(text)
    if iso and any(iso.groups()):
        hours, minutes, seconds = (float(g or 0) for g in iso.groups())
        return hours * 3600 + minutes * 60 + seconds
    simple = re.match(r'^(\d+)([a-z]+)$', text)
    if simple and simple.group(2) in DURATION_UNITS:
        return int(simple.group(1)) * DURATION_UNITS[simple.group(2)]
    raise ValueError('not a Spring duration: %r' % text)


def quantity(text, units):
    """A Kubernetes quantity ("256Mi", "250m", 2) as a number.

    :raises ValueError: when the suffix is not one of units.
    """
    match = QUANTITY.match(str(text))
    if not match or match.group(2) not in units:
        raise ValueError('not a quantity: %r' % text)
    return float(match.group(1)) * units[match.group(2)]


def load_settings(application_yml):
    """application.yml, then application-prod.yml over it when present."""
    with open(application_yml) as f:
        base = yaml.safe_load(f) or {}
    prod_path = re.sub(r'application\.yml$', 'application-prod.yml',
                       application_yml)
    layers = [base]
    if prod_path != application_yml:
        try:
            with open(prod_path) as f:
                layers.append(yaml.safe_load(f) or {})
        except FileNotFoundError:
            pass
    return layers


def setting(layers, dotted, default=None):
    """A property as the prod profile sees it: its file wins."""
    for layer in reversed(layers):
        value = lookup(layer, dotted)
        if value is not None:
            return value
    return default


def served_health_groups(layers):
    """The health groups the service serves, with what each includes."""
    groups = {}
    if setting(layers, 'management.endpoint.health.probes.enabled', False):
        groups = {'liveness': ['livenessState'],
                  'readiness': ['readinessState']}
    for name, group in (setting(layers, 'management.endpoint.health.group',
                                {}) or {}).items():
        include = (group or {}).get('include', [])
        if isinstance(include, str):
            include = [part.strip() for part in include.split(',')]
        groups[name] = include
    return groups


def health_base_path(layers):
    base = setting(layers, 'management.endpoints.web.base-path', '/actuator')
    exposed = setting(layers,
                      'management.endpoints.web.exposure.include', '')
    if isinstance(exposed, str):
        exposed = [part.strip() for part in exposed.split(',')]
    health = setting(layers,
                     'management.endpoints.web.path-mapping.health', 'health')
    if 'health' not in exposed and '*' not in exposed:
        return None
    return '%s/%s' % (base.rstrip('/'), health)


def pod_env(container):
    """The container's env as name -> entry."""
    return {entry['name']: entry for entry in container.get('env') or []}


def literal_env(env):
    """The env's literal values, as Spring's placeholders would read them."""
    return {name: entry['value'] for name, entry in env.items()
            if 'value' in entry}


def selects(selector, labels):
    return bool(selector) and all(labels.get(key) == value
                                  for key, value in selector.items())


def check_probes(failures, container, layers, env):
    groups = served_health_groups(layers)
    base = health_base_path(layers)
    failures.check(base is not None,
                   'application.yml does not expose the health endpoint')
    ports = {port.get('name'): port['containerPort']
             for port in container.get('ports') or []}
    server_port = int(resolve(setting(layers, 'server.port', 8080),
                              literal_env(env)))
    failures.check(server_port in ports.values(),
                   'the container does not expose the port the service '
                   'listens on (%d)' % server_port)
    wanted = {'startupProbe': 'liveness', 'livenessProbe': 'liveness',
              'readinessProbe': 'readiness'}
    for probe_name, group in wanted.items():
        probe = container.get(probe_name)
        if not failures.check(probe and 'httpGet' in probe,
                              'no HTTP %s' % probe_name):
            continue
        path = probe['httpGet'].get('path')
        port = probe['httpGet'].get('port')
        port = ports.get(port, port)
        failures.check(port == server_port,
                       '%s asks port %s, the service listens on %d'
                       % (probe_name, port, server_port))
        failures.check(group in groups,
                       'application.yml defines no %r health group for %s'
                       % (group, probe_name))
        failures.check(base is not None and path == '%s/%s' % (base, group),
                       '%s asks %s, the service serves the %s group at '
                       '%s/%s' % (probe_name, path, group, base, group))
    # A Valence outage must not restart every replica.
    failures.check(groups.get('liveness') == ['livenessState'],
                   'the liveness group includes more than livenessState: %s'
                   % groups.get('liveness'))


def check_secrets(failures, container, secrets, expected_token_secret):
    env = pod_env(container)
    failures.check('VALENCE_DRIVER_TOKEN' in env,
                   'no VALENCE_DRIVER_TOKEN in the env')
    for name in SECRET_ENV:
        if name not in env:
            continue
        ref = (env[name].get('valueFrom') or {}).get('secretKeyRef')
        if not failures.check('value' not in env[name] and ref,
                              '%s is not taken from a secretKeyRef' % name):
            continue
        if ref['name'] in secrets:
            failures.check(ref['key'] in (secrets[ref['name']] or {}),
                           'the Secret %s has no key %s for %s'
                           % (ref['name'], ref['key'], name))
        if name != 'VALENCE_DRIVER_TOKEN':
            continue
        if expected_token_secret:
            failures.check(ref['name'] == expected_token_secret,
                           'the token comes from the Secret %s, not %s'
                           % (ref['name'], expected_token_secret))
        else:
            failures.check(ref['name'] in secrets,
                           'the token comes from the Secret %s, which is '
                           'not rendered' % ref['name'])
    failures.check(env.get('SPRING_PROFILES_ACTIVE', {}).get('value')
                   == 'prod',
                   'the prod profile (no start without a token) is not set')


def check_token_digests(failures, spec, container):
    """The token digests file, when given, is a Secret that kubelet updates.

    A Secret mounted as a directory is updated in place when the Secret
    changes, so the service reads the new tokens without a restart; one
    mounted with subPath never is.
    """
    digests = (pod_env(container).get('VALENCE_DRIVER_TOKEN_DIGESTS_FILE')
               or {}).get('value')
    if not digests:
        return
    mounts = [m for m in container.get('volumeMounts') or []
              if digests.startswith(m['mountPath'].rstrip('/') + '/')]
    if not failures.check(len(mounts) == 1, 'the token digests file %s is '
                          'on no mounted volume' % digests):
        return
    volumes = {v['name']: v for v in spec.get('volumes') or []}
    failures.check('secret' in volumes.get(mounts[0]['name'], {}),
                   'the token digests file is not read from a Secret')
    failures.check('subPath' not in mounts[0], 'the token digests file is '
                   'mounted with subPath: kubelet never updates it')


def check_resources(failures, container):
    resources = container.get('resources') or {}
    for kind in ('requests', 'limits'):
        for resource, units in (('memory', MEMORY_UNITS), ('cpu', CPU_UNITS)):
            value = (resources.get(kind) or {}).get(resource)
            if failures.check(value is not None,
                              'no %s.%s' % (kind, resource)):
                try:
                    quantity(value, units)
                except ValueError as e:
                    failures.append('%s.%s: %s' % (kind, resource, e))
    try:
        failures.check(quantity(resources['limits']['memory'], MEMORY_UNITS)
                       >= quantity(resources['requests']['memory'],
                                   MEMORY_UNITS),
                       'the memory limit is below the request')
    except (KeyError, TypeError, ValueError):
        pass


def check_shutdown(failures, spec, container, layers, env):
    overrides = [literal_env(env)[name] for name in SHUTDOWN_PHASE_ENV
                 if name in literal_env(env)]
    phase_text = overrides[-1] if overrides else resolve(
        setting(layers, SHUTDOWN_PHASE_PROPERTY, None), literal_env(env))
    phase = (DEFAULT_SHUTDOWN_PHASE if phase_text is None
             else duration_seconds(phase_text))
    command = (((container.get('lifecycle') or {}).get('preStop') or {})
               .get('exec') or {}).get('command') or []
    pause = (float(command[1]) if len(command) == 2 and command[0] == 'sleep'
             else 0.0)
    failures.check(not command or pause,
                   'a preStop command the checker cannot time: %s' % command)
    grace = spec.get('terminationGracePeriodSeconds', 30)
    failures.check(grace > pause + phase,
                   'terminationGracePeriodSeconds %s is not above the '
                   'preStop pause (%gs) plus the shutdown phase (%gs)'
                   % (grace, pause, phase))


def check(documents, layers, expected_replicas, expected_token_secret):
    failures = Failures()
    by_kind = {}
    for doc in documents:
        if doc:
            by_kind.setdefault(doc['kind'], []).append(doc)
    for kind in ('Deployment', 'Service', 'PodDisruptionBudget'):
        failures.check(len(by_kind.get(kind, [])) == 1,
                       'expected one %s, found %d'
                       % (kind, len(by_kind.get(kind, []))))
    if failures:
        return failures
    deployment = by_kind['Deployment'][0]
    replicas = deployment['spec'].get('replicas', 1)
    failures.check(replicas >= 2, 'replicas %s: fewer than 2' % replicas)
    if expected_replicas is not None:
        failures.check(replicas == expected_replicas, 'replicas %s, not %s'
                       % (replicas, expected_replicas))
    rolling = (deployment['spec'].get('strategy') or {}).get(
        'rollingUpdate') or {}
    failures.check(rolling.get('maxUnavailable') == 0,
                   'a rolling update may take a replica down before its '
                   'successor is ready (maxUnavailable %s)'
                   % rolling.get('maxUnavailable'))
    template = deployment['spec']['template']
    labels = template['metadata']['labels']
    failures.check(selects(deployment['spec']['selector']['matchLabels'],
                           labels),
                   "the Deployment's selector misses its own pods")
    spec = template['spec']
    containers = spec['containers']
    if not failures.check(len(containers) == 1,
                          'expected one container, found %d'
                          % len(containers)):
        return failures
    container = containers[0]
    env = pod_env(container)
    secrets = {s['metadata']['name']: s.get('data') or s.get('stringData')
               for s in by_kind.get('Secret', [])}

    check_probes(failures, container, layers, env)
    check_secrets(failures, container, secrets, expected_token_secret)
    check_token_digests(failures, spec, container)
    check_resources(failures, container)
    check_shutdown(failures, spec, container, layers, env)

    pod_security = spec.get('securityContext') or {}
    security = container.get('securityContext') or {}
    failures.check(security.get('runAsNonRoot',
                                pod_security.get('runAsNonRoot')) is True,
                   'runAsNonRoot is not true')
    failures.check(security.get('runAsUser',
                                pod_security.get('runAsUser')) != 0,
                   'runs as uid 0')

    budget = by_kind['PodDisruptionBudget'][0]['spec']
    failures.check(selects(budget.get('selector', {}).get('matchLabels'),
                           labels),
                   "the PodDisruptionBudget does not select the "
                   "Deployment's pods")
    if 'maxUnavailable' in budget:
        failures.check(budget['maxUnavailable'] not in (0, '0%'),
                       'the PodDisruptionBudget forbids every eviction')
    else:
        failures.check(isinstance(budget.get('minAvailable'), int)
                       and budget['minAvailable'] < replicas,
                       'the PodDisruptionBudget minAvailable %s leaves no '
                       'replica to evict of %s'
                       % (budget.get('minAvailable'), replicas))

    service = by_kind['Service'][0]['spec']
    failures.check(selects(service.get('selector'), labels),
                   "the Service does not select the Deployment's pods")
    port_names = {port.get('name') for port in container.get('ports') or []}
    port_numbers = {port['containerPort']
                    for port in container.get('ports') or []}
    for port in service.get('ports') or []:
        target = port.get('targetPort', port.get('port'))
        failures.check(target in port_names or target in port_numbers,
                       'the Service targets %s, which the pod does not '
                       'expose' % target)
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--application-yml', required=True,
                        help="the service's application.yml")
    parser.add_argument('--replicas', type=int,
                        help='the replica count the values asked for')
    parser.add_argument('--token-secret',
                        help='the Secret the token must come from')
    parser.add_argument('manifests', nargs='?', default='-',
                        help='helm template output (default: stdin)')
    args = parser.parse_args(argv)
    if args.manifests == '-':
        documents = list(yaml.safe_load_all(sys.stdin))
    else:
        with open(args.manifests) as f:
            documents = list(yaml.safe_load_all(f))
    layers = load_settings(args.application_yml)
    failures = check(documents, layers, args.replicas, args.token_secret)
    for failure in failures:
        print('chart check: %s' % failure, file=sys.stderr)
    if failures:
        return 1
    kinds = sorted({d['kind'] for d in documents if d})
    print('chart check: passed (%s)' % ', '.join(kinds))
    return 0


if __name__ == '__main__':
    sys.exit(main())
