/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License. You may obtain
 * a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */

package org.openstack.valence.driver.node;

import java.util.List;

import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.valence.ResetType;
import org.openstack.valence.driver.valence.ValenceArgumentException;
import org.openstack.valence.driver.valence.ValenceNode;

/**
 * Which Reset actions reach an Ironic power state on Valence, and which state to wait for
 * after each. The one place that knows what the driver supports.
 */
public final class PowerPlan {

	/** In protocol.SUPPORTED_POWER_STATES order. */
	public static final List<PowerState> SUPPORTED = List.of(PowerState.POWER_ON, PowerState.POWER_OFF,
			PowerState.REBOOT, PowerState.SOFT_REBOOT);

	/** One action, then the steady state to wait for. */
	public record Step(ResetType reset, PowerState awaited) {
	}

	private PowerPlan() {
	}

	/**
	 * Refuses a target before anything is sent to Valence.
	 * @throws UnsupportedPowerStateException for soft power off
	 * @throws ValenceArgumentException for a state one can read but not set
	 */
	public static void requireSupported(PowerState target) {
		if (target == PowerState.SOFT_POWER_OFF) {
			throw new UnsupportedPowerStateException("Valence has no GracefulShutdown reset type (only On, ForceOn, "
					+ "ForceOff and GracefulRestart), so a soft power off cannot be asked of it; use 'power off'");
		}
		if (!SUPPORTED.contains(target)) {
			throw new ValenceArgumentException("'" + target + "' cannot be set; targets are " + SUPPORTED);
		}
	}

	/** The state the node is in once {@code target} is reached. */
	public static PowerState reached(PowerState target) {
		requireSupported(target);
		return (target == PowerState.POWER_OFF) ? PowerState.POWER_OFF : PowerState.POWER_ON;
	}

	/**
	 * The actions that take {@code node} to {@code target}; none when it is there already
	 * or in transition towards it, so that a change taken over from a replica that died
	 * after sending its action does not send it again. A reboot of a node that is off, or
	 * powering off, only powers it on, as Ironic's redfish driver does. A reboot of a
	 * node that is powering on sends nothing either: the boot under way is the fresh boot
	 * a reboot asks for, and it honours a boot override set before it completes.
	 */
	public static List<Step> steps(PowerState target, ValenceNode node) {
		requireSupported(target);
		if (target == PowerState.POWER_OFF) {
			return (node.powerState() == PowerState.POWER_OFF) ? List.of()
					: List.of(new Step(ResetType.FORCE_OFF, PowerState.POWER_OFF));
		}
		// Every other target ends on.
		if (node.movingTo(PowerState.POWER_ON)) {
			return List.of();
		}
		Step on = new Step(ResetType.ON, PowerState.POWER_ON);
		if (node.powerState() == PowerState.POWER_OFF) {
			return List.of(on);
		}
		return switch (target) {
			case POWER_ON -> (node.settledState() == PowerState.POWER_ON) ? List.of() : List.of(on);
			case REBOOT -> List.of(new Step(ResetType.FORCE_OFF, PowerState.POWER_OFF), on);
			case SOFT_REBOOT -> List.of(new Step(ResetType.GRACEFUL_RESTART, PowerState.POWER_ON));
			default -> throw new IllegalStateException("requireSupported let " + target + " through");
		};
	}

}
