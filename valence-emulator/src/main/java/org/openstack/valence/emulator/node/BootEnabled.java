package org.openstack.valence.emulator.node;

/**
 * Redfish BootSourceOverrideEnabled values Valence's schema accepts; constant names are
 * the wire values.
 */
public enum BootEnabled {

	Once, Continuous

}
