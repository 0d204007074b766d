#!/usr/bin/env python3
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

"""Writes an ironic.conf for a standalone Ironic that drives Valence nodes.

One writer serves every topology Ironic runs in here, so that each runs it
the same way: no Keystone, and only interfaces that need no other OpenStack
service. By default that is the single process (`ironic`) of the
end-to-end run and of docker-compose.yml's Ironic container, with SQLite
and no message bus; the high-availability end-to-end run gives each of its
processes (`ironic-api`, two `ironic-conductor`) a PostgreSQL database URL,
JSON-RPC and a host of its own. The bearer token is read from the
VALENCE_DRIVER_TOKEN environment variable, never from the command line, and
the file is created readable by its owner only.

start_single() starts such a single process for the end-to-end run and
the benchmarks.
"""

import argparse
import configparser
import io
import os
import subprocess
import sys


def render(state_dir, api_host, api_port, service_url, token,
           sync_interval, extra=None, database=None, rpc_transport='none',
           host=None, rpc_port=None):
    """Returns the text of ironic.conf.

    :param state_dir: directory for the SQLite database (unless `database`
        names another), locks and the PXE/HTTP roots Ironic's PXE boot
        interface writes at start-up.
    :param api_host: the address the API, and a conductor's JSON-RPC
        server, listen on.
    :param sync_interval: seconds between Ironic's power state syncs.
    :param extra: further sections, {section: {option: value}}, for what
        only one caller needs (the end-to-end run's statsd sink).
    :param database: the SQLAlchemy URL of the database; None: SQLite in
        state_dir.
    :param rpc_transport: 'none' for the single-process `ironic`, which
        calls its conductor in-process; 'json-rpc' for separate processes,
        unauthenticated on loopback.
    :param host: the process's [DEFAULT]host; None: Ironic's default, the
        machine's name.
    :param rpc_port: the port of a conductor's JSON-RPC server. Ironic
        names the conductor `host:rpc_port` in its hash ring, which is how
        the API and the other conductors reach it.
    """
    conf = {}
    conf['DEFAULT'] = {
        'auth_strategy': 'noauth',
        'rpc_transport': rpc_transport,
        'enabled_hardware_types': 'valence',
        'enabled_power_interfaces': 'valence',
        'enabled_management_interfaces': 'valence',
        'enabled_vendor_interfaces': 'valence,no-vendor',
        'enabled_inspect_interfaces': 'valence,no-inspect',
        # The rest are generic interfaces the valence type inherits; these
        # start without TFTP/HTTP servers, Neutron, Cinder or Glance.
        'enabled_boot_interfaces': 'pxe',
        'enabled_deploy_interfaces': 'direct,ramdisk',
        'enabled_network_interfaces': 'noop',
        'enabled_console_interfaces': 'no-console',
        'enabled_raid_interfaces': 'no-raid',
        'enabled_rescue_interfaces': 'no-rescue',
        'enabled_storage_interfaces': 'noop',
        'enabled_bios_interfaces': 'no-bios',
        'enabled_firmware_interfaces': 'no-firmware',
    }
    if host is not None:
        conf['DEFAULT']['host'] = host
    if rpc_transport == 'json-rpc':
        conf['json_rpc'] = {'auth_strategy': 'noauth', 'host_ip': api_host}
        if rpc_port is not None:
            conf['json_rpc']['port'] = str(rpc_port)
    conf['database'] = {
        'connection': database or 'sqlite:///' + os.path.join(
            state_dir, 'ironic.sqlite'),
    }
    conf['api'] = {'host_ip': api_host, 'port': str(api_port)}
    conf['conductor'] = {
        'sync_power_state_interval': str(sync_interval),
        # Record a power change made outside Ironic instead of undoing it.
        'force_power_state_during_sync': 'False',
        # A node the sync put into maintenance because its composed node
        # was gone leaves it within one cycle of the node being back.
        'power_failure_recovery_interval': str(sync_interval),
        'automated_clean': 'False',
    }
    conf['dhcp'] = {'dhcp_provider': 'none'}
    conf['deploy'] = {'http_root': os.path.join(state_dir, 'httpboot')}
    conf['pxe'] = {'tftp_root': os.path.join(state_dir, 'tftpboot')}
    conf['oslo_concurrency'] = {
        'lock_path': os.path.join(state_dir, 'locks'),
    }
    conf['valence'] = {'service_url': service_url, 'auth_token': token}
    for section, options in (extra or {}).items():
        conf.setdefault(section, {}).update(options)
    # No interpolation: a '%' in a URL or the token is written as it is,
    # and oslo.config does not interpolate it either.
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_dict(conf)
    text = io.StringIO()
    parser.write(text)
    return text.getvalue()


def prepare_state_dir(state_dir):
    """Creates the directories the configuration points into."""
    for sub in ('locks', 'httpboot', 'tftpboot'):
        os.makedirs(os.path.join(state_dir, sub), exist_ok=True)


def write(path, text):
    """Writes text to path, readable by its owner only (it holds a token)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(text)


def start_single(spawn, state_dir, api_port, service_url, token, timeout,
                 sync_interval=600, extra=None, bin_dir=None,
                 ready=lambda child, url: child.wait_ready(url)):
    """Starts a single-process Ironic (SQLite, noauth) on 127.0.0.1.

    Writes state_dir/ironic.conf, makes its database anew (`ironic-dbsync
    create_schema`, its output in state_dir/ironic-dbsync.log), starts
    `ironic` and waits until its API answers.

    :param spawn: starts a child process: spawn(name, argv) returns it.
    :param timeout: seconds the schema may take to be made.
    :param sync_interval: as render()'s; the default suits an Ironic whose
        nodes are not the point of the run.
    :param extra: render()'s further sections.
    :param bin_dir: where the ironic and ironic-dbsync console scripts are;
        None: beside this interpreter.
    :param ready: ready(child, url) returns once url answers, and raises
        when it does not in time (the caller's bound).
    :returns: (the child, Ironic's URL).
    :raises subprocess.CalledProcessError: when the schema could not be
        made (its log says why).
    :raises subprocess.TimeoutExpired: when it took over timeout seconds.
    """
    bin_dir = bin_dir or os.path.dirname(sys.executable)
    state_dir = str(state_dir)
    prepare_state_dir(state_dir)
    # create_schema refuses a database that has tables already.
    database = os.path.join(state_dir, 'ironic.sqlite')
    if os.path.exists(database):
        os.remove(database)
    config = os.path.join(state_dir, 'ironic.conf')
    write(config, render(state_dir, '127.0.0.1', api_port, service_url,
                         token, sync_interval, extra=extra))
    with open(os.path.join(state_dir, 'ironic-dbsync.log'), 'wb') as log:
        subprocess.run([os.path.join(bin_dir, 'ironic-dbsync'),
                        '--config-file', config, 'create_schema'],
                       check=True, timeout=timeout, stdout=log,
                       stderr=subprocess.STDOUT)
    child = spawn('ironic', [os.path.join(bin_dir, 'ironic'),
                             '--config-file', config])
    url = 'http://127.0.0.1:%d' % api_port
    ready(child, url + '/v1')
    return child, url


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--output', required=True)
    parser.add_argument('--state-dir', required=True)
    parser.add_argument('--api-host', default='127.0.0.1')
    parser.add_argument('--api-port', type=int, default=6385)
    parser.add_argument('--service-url', default='http://127.0.0.1:8080')
    parser.add_argument('--sync-interval', type=int, default=60)
    args = parser.parse_args(argv)
    token = os.environ.get('VALENCE_DRIVER_TOKEN')
    if not token:
        parser.error('VALENCE_DRIVER_TOKEN is not set')
    prepare_state_dir(args.state_dir)
    write(args.output, render(args.state_dir, args.api_host, args.api_port,
                              args.service_url, token, args.sync_interval))
    return 0


if __name__ == '__main__':
    sys.exit(main())
