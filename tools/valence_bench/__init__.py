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


"""The project's benchmarks and drills, kept apart from the product.

Run through tools/bench (which picks the venv and builds the jars), as
`tools/bench SUBCOMMAND [--help]`. Shared modules: proc (CPU and memory
from /proc), children (child processes), waiting (deadlines, waiting until
a process answers), loadclient (the HTTP load), stack (the processes of
the power-sync benchmarks), results (the JSON result files).
"""
