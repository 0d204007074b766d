package org.openstack.valence.emulator.node;

/**
 * The boot override targets Valence's schema accepts; constant names are the wire values.
 */
public enum BootTarget {

	Pxe, Hdd, None

}
