package org.openstack.valence.emulator.node;

/**
 * Valence's {@code node_state} while a PODM composes a node; constant names are the wire
 * values.
 */
public enum CompositionState {

	Allocating, Allocated, Assembling, Assembled

}
