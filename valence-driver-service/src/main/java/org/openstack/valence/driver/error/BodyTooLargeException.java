package org.openstack.valence.driver.error;

import java.io.IOException;

/**
 * A request body went past driver.web.max-request-body. An IOException, so that the
 * bounded stream can throw it while Jackson reads; answered as INVALID_REQUEST.
 */
public class BodyTooLargeException extends IOException {

	public BodyTooLargeException(long limit) {
		super("the request body is larger than " + limit + " bytes");
	}

}
