package org.openstack.valence.driver.valence;

/** A power state Valence offers no way to reach; refused before anything is sent. */
public class UnsupportedPowerStateException extends RuntimeException {

	UnsupportedPowerStateException(String detail) {
		super(detail);
	}

}
