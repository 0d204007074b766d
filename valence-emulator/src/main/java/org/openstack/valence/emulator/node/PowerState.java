package org.openstack.valence.emulator.node;

/** Valence's {@code node_power_state}; constant names are the wire values. */
public enum PowerState {

	On, Off, PoweringOn, PoweringOff

}
