package org.openstack.valence.driver.composition;

import org.openstack.valence.driver.error.ApiException;
import org.openstack.valence.driver.error.ErrorCode;

/** A composition that cannot be done, or did not end, as asked. */
final class CompositionException extends ApiException {

	private CompositionException(ErrorCode code, String kind, String title, String detail, Throwable cause) {
		super(code, kind, title, detail, cause);
	}

	static CompositionException flavorNotFound(String detail) {
		return new CompositionException(ErrorCode.FLAVOR_NOT_FOUND, "flavor-not-found", "Flavor not found in Valence",
				detail, null);
	}

	static CompositionException nameInUse(String detail) {
		return new CompositionException(ErrorCode.NAME_IN_USE, "name-in-use", "Node name already in use", detail, null);
	}

	static CompositionException failed(String detail, Throwable cause) {
		return new CompositionException(ErrorCode.COMPOSITION_FAILED, "composition-failed",
				"Valence could not compose the node", detail, cause);
	}

	static CompositionException timedOut(String detail) {
		return new CompositionException(ErrorCode.COMPOSITION_TIMEOUT, "composition-timeout",
				"Node not assembled in time", detail, null);
	}

}
