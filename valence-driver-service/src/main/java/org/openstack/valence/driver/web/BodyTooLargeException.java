package org.openstack.valence.driver.web;

import java.io.IOException;

/** A request body went past driver.max-request-body. */
public class BodyTooLargeException extends IOException {

	BodyTooLargeException(long limit) {
		super("the request body is larger than " + limit + " bytes");
	}

}
