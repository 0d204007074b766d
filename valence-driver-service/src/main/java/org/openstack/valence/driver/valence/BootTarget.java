package org.openstack.valence.driver.valence;

import java.util.Arrays;

import org.openstack.valence.driver.protocol.BootDevice;

/**
 * Valence's Redfish boot targets for Ironic's boot devices: the one place that pairs
 * them, for the Boot action sent and the boot_source read back.
 */
enum BootTarget {

	PXE("Pxe", BootDevice.PXE), HDD("Hdd", BootDevice.DISK);

	private final String wire;

	private final BootDevice device;

	BootTarget(String wire, BootDevice device) {
		this.wire = wire;
		this.device = device;
	}

	String wire() {
		return this.wire;
	}

	/** Valence's Enabled: Continuous for a persistent override, else Once. */
	static String enabled(boolean persistent) {
		return persistent ? "Continuous" : "Once";
	}

	static BootTarget of(BootDevice device) {
		return Arrays.stream(values())
			.filter((target) -> target.device == device)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no Valence boot target for " + device));
	}

	/**
	 * The Ironic boot device of a boot_source; null for None and anything else Valence
	 * may report.
	 */
	static BootDevice deviceOf(String wire) {
		return Arrays.stream(values())
			.filter((target) -> target.wire.equals(wire))
			.map((target) -> target.device)
			.findFirst()
			.orElse(null);
	}

}
