package org.openstack.valence.emulator.node;

/**
 * A consistent view of a node's changing state at one instant.
 *
 * @param power the power state now
 * @param composition the composition state now
 * @param bootSource the boot override in effect (a pending one-time override wins)
 * @param bootEnabled "Once", "Continuous", or "Disabled" when no override is set
 * @param updatedAt epoch milliseconds of the last change
 */
public record NodeStatus(PowerState power, CompositionState composition, BootTarget bootSource, String bootEnabled,
		long updatedAt) {
}
