package org.openstack.valence.driver.valence;

import org.openstack.valence.driver.error.ApiException;
import org.openstack.valence.driver.error.ErrorCode;

/** A power state Valence offers no way to reach. */
public class UnsupportedPowerStateException extends ApiException {

	UnsupportedPowerStateException(String detail) {
		super(ErrorCode.UNSUPPORTED, "unsupported-power-state", "Power state not supported by Valence", detail, null);
	}

}
