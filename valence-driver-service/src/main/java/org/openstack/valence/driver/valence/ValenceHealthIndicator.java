package org.openstack.valence.driver.valence;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness follows Valence: the service is of no use while Valence cannot be
 * reached, but it is alive, so liveness does not include this.
 */
@Component
class ValenceHealthIndicator implements HealthIndicator {

	private final ValenceClient valence;

	ValenceHealthIndicator(ValenceClient valence) {
		this.valence = valence;
	}

	@Override
	public Health health() {
		try {
			ValenceVersion version = this.valence.probe();
			return Health.up().withDetail("version", String.valueOf(version.id())).build();
		}
		catch (ValenceException ex) {
			return Health.down().withDetail("failure", ex.failure().outcome()).withDetail("error", ex.getMessage()).build();
		}
	}

}
