package org.openstack.valence.emulator.node;

/** The Reset types Valence's schema accepts; constant names are the wire values. */
public enum ResetType {

	On, ForceOn, ForceOff, GracefulRestart

}
