package org.openstack.valence.driver.node;

import org.openstack.valence.driver.error.ApiException;
import org.openstack.valence.driver.error.ErrorCode;

/** The node did not settle in the requested power state before the request's timeout. */
class PowerStateTimeoutException extends ApiException {

	PowerStateTimeoutException(String detail) {
		super(ErrorCode.POWER_STATE_TIMEOUT, "power-state-timeout", "Power state not reached in time", detail, null);
	}

}
