package org.openstack.valence.driver.valence;

/** The Reset types the driver sends; Valence has no GracefulShutdown or ForceRestart. */
public enum ResetType {

	ON("On"), FORCE_OFF("ForceOff"), GRACEFUL_RESTART("GracefulRestart");

	private final String wire;

	ResetType(String wire) {
		this.wire = wire;
	}

	String wire() {
		return this.wire;
	}

	@Override
	public String toString() {
		return this.wire;
	}

}
