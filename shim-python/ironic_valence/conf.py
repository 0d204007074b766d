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

from ironic.common.i18n import _
from ironic.conf import CONF

GROUP = 'valence'

opts = [
    cfg.URIOpt('service_url',
               default='http://127.0.0.1:8080',
               schemes=['http', 'https'],
               help=_('Base URL of the valence-driver-service, without '
                      'the /v1 prefix.')),
    cfg.StrOpt('auth_token',
               secret=True,
               help=_('Bearer token the driver service expects '
                      '(its VALENCE_DRIVER_TOKEN). Required unless the '
                      'service runs without authentication.')),
    cfg.IntOpt('timeout',
               default=30,
               min=1,
               help=_('Seconds to wait for an answer from the driver '
                      'service. Power changes wait for the power timeout '
                      'on top of this, because the service only answers '
                      'once the node has reached the requested state.')),
    cfg.IntOpt('connect_timeout',
               default=10,
               min=1,
               help=_('Seconds to wait for a TCP (and TLS) connection to '
                      'the driver service.')),
    cfg.StrOpt('ca_file',
               help=_('PEM file with the CA certificate(s) that signed the '
                      'driver service\'s certificate, for an https '
                      'service_url. The system CAs are used when unset.')),
    cfg.BoolOpt('insecure',
                default=False,
                help=_('Do not verify the driver service\'s TLS '
                       'certificate. For development only.')),
]

CONF.register_opts(opts, group=GROUP)


def list_opts():
    """Options for oslo-config-generator (namespace ``ironic_valence``)."""
    return [(GROUP, opts)]
