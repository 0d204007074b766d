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


"""The ``[valence]`` section of ironic.conf."""

from oslo_config import cfg
from oslo_config import types

from ironic.common.i18n import _
from ironic.conf import CONF

from ironic_valence import protocol
from ironic_valence import scheduling

GROUP = 'valence'

_BUDGET = {'budget': protocol.READ_BUDGET_SECONDS,
           'overshoot': protocol.ANSWER_OVERSHOOT_SECONDS}

opts = [
    cfg.ListOpt('service_url',
                item_type=types.URI(schemes=['http', 'https']),
                default=['http://127.0.0.1:8080'],
                help=_('Comma-separated base URLs of the replicas of the '
                       'valence-driver-service, without the /v1 prefix. '
                       'Each call goes to the first replica that is not '
                       'known to be down, and moves to the next one when '
                       'that replica cannot take it.')),
    cfg.IntOpt('replica_down_seconds',
               default=20,
               min=1,
               max=3600,
               help=_('Seconds for which a replica of service_url that '
                      'failed a call is tried last; after that one call '
                      'tries it in its place again.')),
    cfg.StrOpt('auth_token',
               secret=True,
               help=_('Bearer token the driver service expects '
                      '(its VALENCE_DRIVER_TOKEN). Required: the service '
                      'answers every call without it with HTTP 401.')),
    cfg.IntOpt('timeout',
               default=30,
               min=1,
               deprecated_for_removal=True,
               deprecated_reason=_('It has no effect: the shim waits for '
                                   'the time budget the driver service '
                                   'keeps plus answer_margin. Set '
                                   'answer_margin instead.'),
               help=_('Seconds to wait for an answer from the driver '
                      'service.')),
    cfg.IntOpt('answer_margin',
               default=5,
               min=1,
               help=_('Seconds the shim waits for an answer of the driver '
                      'service beyond the time the service promises to '
                      'answer in (its read budget of %(budget)s seconds or '
                      'the power timeout of a power change, plus '
                      '%(overshoot)s second). Reads are tried again only '
                      'within that time, so the margin is also the window '
                      'for their retries.') % _BUDGET),
    cfg.IntOpt('connect_timeout',
               default=10,
               min=1,
               help=_('Seconds to wait for a TCP (and TLS) connection to '
                      'the driver service.')),
    cfg.IntOpt('read_attempts',
               default=3,
               min=1,
               help=_('How many times a read is tried when the driver '
                      'service cannot be reached or answers HTTP 502 or '
                      '503, every replica of service_url in turn each '
                      'time. A change is sent at most once to each '
                      'replica.')),
    cfg.IntOpt('read_retry_interval',
               default=1,
               min=0,
               help=_('Seconds to wait before a read is tried again.')),
    cfg.IntOpt('power_read_ahead',
               default=50,
               min=0,
               max=protocol.POWER_READS_MAX_NODES,
               help=_('How many of the nodes the periodic power sync will '
                      'read next the shim reads in one call to the driver '
                      'service, so that the sync costs one HTTP exchange '
                      'per batch rather than per node. 0, or a '
                      '[conductor]sync_power_state_interval of 0 or less, '
                      'turns read-ahead off.')),
    cfg.IntOpt('power_read_ahead_max_age',
               default=5,
               min=1,
               max=60,
               help=_('Seconds, counted from when its batch was sent, for '
                      'which a power state read ahead may answer the '
                      'periodic power sync. An older one is dropped and '
                      'the node read on its own.')),
    cfg.StrOpt('inspection_hooks',
               default='validate-interfaces,ports,architecture',
               help=_('Comma-separated list of the inspection hooks '
                      '(ironic.inspection.hooks entry points) run on the '
                      'inventory that valence inspection builds, as '
                      '[redfish]inspection_hooks does for redfish. A hook '
                      'missing, or listed before a hook it depends on, '
                      'stops the conductor from loading the valence '
                      'inspect interface.')),
    cfg.StrOpt('resource_class_format',
               default=scheduling.RESOURCE_CLASS_FORMAT,
               help=_('Resource class of a node enrolled from a composed '
                      'node of a known Valence flavor, {flavor} being the '
                      'flavor\'s name in upper case with each character '
                      'but A-Z and 0-9 made "_". Empty: none is set.')),
    cfg.StrOpt('trait_format',
               default=scheduling.TRAIT_FORMAT,
               help=_('Trait such a node gets for each property of its '
                      'flavor (total_cores, memory_mib), {property} and '
                      '{value} normalised as {flavor} is; it starts with '
                      'CUSTOM_. Empty: no traits.')),
    cfg.StrOpt('ca_file',
               help=_('PEM file with the CA certificate(s) that signed the '
                      'driver service\'s certificate, for an https '
                      'service_url. When unset, certifi\'s CA bundle is '
                      'used; REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE do not '
                      'apply.')),
    cfg.BoolOpt('insecure',
                default=False,
                help=_('Do not verify the driver service\'s TLS '
                       'certificate. For development only.')),
]

CONF.register_opts(opts, group=GROUP)


def list_opts():
    """Options for oslo-config-generator (namespace ``ironic_valence``)."""
    return [(GROUP, opts)]
