package org.openstack.valence.driver.valence;

/**
 * A value the caller handed the Valence client that cannot be put to Valence: a node id
 * outside the protocol's pattern, or a power state that can only be read. Nothing is
 * sent.
 */
public class ValenceArgumentException extends IllegalArgumentException {

	ValenceArgumentException(String detail) {
		super(detail);
	}

}
