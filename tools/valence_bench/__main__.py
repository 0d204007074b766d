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


"""tools/bench SUBCOMMAND ...: one subcommand per measurement.

Each subcommand is a module of this package with a main(argv, prog); none
imports another's.
"""

import importlib
import sys

# name: (module, what it measures)
SUBCOMMANDS = {
    'reads': ('reads', 'node reads directly and through the service, '
              'single flight, a power cycle, memory'),
    'service-cpu': ('service_cpu', 'the service\'s CPU per power read, two '
                    'variants (jar, JVM options) side by side'),
    'power-reads-cpu': ('power_reads_cpu', 'the service\'s CPU per node '
                        'read, POST /v1/power-reads against GET'),
    'fleet': ('fleet', 'Ironic\'s power sync of N nodes of each kind, '
              'single-process or the production topology'),
    'sync-cpu': ('sync_cpu', 'the shim\'s conductor CPU per synced node, '
                 'in one process'),
    'soak': ('soak', 'hostile requests, Valence\'s faults and 200 clients '
             'against the service as it ships'),
    'startup': ('startup', 'the service\'s start-up time by JVM setup'),
    'node-list': ('node_list', 'the paged node list of a pod through the '
                  'service and with the CLI'),
    'enroll': ('enroll', '`baremetal valence node enroll --all` against '
               'Ironic\'s REST API'),
    'shutdown-drill': ('shutdown_drill', 'SIGTERM to the service while a '
                       'reboot waits on a slow Valence'),
    'validate-cost': ('validate_cost', 'the power interface\'s validate() '
                      'at 10,000 valence nodes'),
    'emulator-cpu': ('emulator_cpu', 'the emulator\'s CPU per node read, '
                     'builds side by side'),
    'idle-cpu': ('idle_cpu', 'the emulator\'s and the service\'s CPU while '
                 'idle, 1,000 nodes beside 10,000'),
    'emulator-heap': ('emulator_heap', 'the emulator\'s live heap per '
                      'node'),
    'profile-top': ('profile_top', 'where the time goes in the profiles '
                    'of fleet --profile'),
    'plot': ('plot', 'PNG plots from the result files'),
}


def usage():
    width = max(map(len, SUBCOMMANDS))
    return 'usage: tools/bench SUBCOMMAND [--help] ...\n\n%s\n' % '\n'.join(
        '  %-*s  %s' % (width, name, what)
        for name, (_, what) in SUBCOMMANDS.items())


def main(argv):
    if not argv or argv[0] in ('-h', '--help'):
        print(usage(), end='')
        return 0 if argv else 2
    name, *rest = argv
    if name not in SUBCOMMANDS:
        print('unknown subcommand %r\n%s' % (name, usage()), end='',
              file=sys.stderr)
        return 2
    module = importlib.import_module('valence_bench.' + SUBCOMMANDS[name][0])
    return module.main(rest, 'tools/bench %s' % name)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
