package org.openstack.valence.driver.protocol;

/**
 * The shim-to-service contract's fixed words that are not enums. The shim's
 * {@code ironic_valence/protocol.py} holds the same values; ProtocolContractTest
 * fails when the two disagree.
 */
public final class Protocol {

	public static final String API_VERSION_PREFIX = "/v1";

	public static final String REQUEST_ID_HEADER = "X-Openstack-Request-Id";

	/** A node id goes into Valence URL paths: never '.', '/' or '%'. */
	public static final String NODE_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

	private Protocol() {
	}

}
