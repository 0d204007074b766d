package org.openstack.valence.driver.valence;

/**
 * @param id the CURRENT version Valence's root document names, e.g. {@code v1.0}; null if
 * none
 */
public record ValenceVersion(String id) {
}
