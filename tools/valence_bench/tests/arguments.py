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

"""What a subcommand's parser makes of a command line, without running."""

import pytest


def parsed(module, name, argv):
    """The arguments module.main's parser makes of argv.

    :param name: the subcommand's name, as tools/bench calls it.
    """
    captured = {}

    def run_parsed(parser, argv, run):
        captured['args'] = parser.parse_args(argv)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module.children, 'run_parsed', run_parsed)
        module.main(list(argv), 'tools/bench %s' % name)
    return captured['args']
