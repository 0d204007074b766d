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


"""The ``valence`` hardware type."""

from ironic.drivers import generic
from ironic.drivers.modules import noop
from ironic.drivers.modules import noop_mgmt

from ironic_valence import inspect
from ironic_valence import management
from ironic_valence import power
from ironic_valence import vendor


class ValenceHardware(generic.GenericHardware):
    """Intel RSD composed nodes managed by Valence.

    Power, boot device and inspection go through the valence-driver-service;
    deploy, boot and network are Ironic's generic ones.
    """

    @property
    def supported_power_interfaces(self):
        """List of supported power interfaces."""
        return [power.ValencePower]

    @property
    def supported_management_interfaces(self):
        """List of supported management interfaces."""
        return [management.ValenceManagement, noop_mgmt.NoopManagement]

    @property
    def supported_inspect_interfaces(self):
        """List of supported inspect interfaces."""
        return [inspect.ValenceInspect] + super().supported_inspect_interfaces

    @property
    def supported_vendor_interfaces(self):
        """List of supported vendor interfaces."""
        return [vendor.ValenceVendorPassthru, noop.NoVendor]
