package org.openstack.valence.driver.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/** Ironic's boot device names (protocol.SUPPORTED_BOOT_DEVICES). */
public enum BootDevice {

	PXE("pxe"), DISK("disk");

	private final String wire;

	BootDevice(String wire) {
		this.wire = wire;
	}

	@JsonValue
	public String wire() {
		return this.wire;
	}

	@Override
	public String toString() {
		return this.wire;
	}

}
