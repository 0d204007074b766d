package org.openstack.valence.driver.error;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem codes an API operation can answer, on its handler method: the OpenAPI
 * document lists them as its error responses, and ProtocolContractTest holds them to
 * protocol.OPERATION_ERRORS.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Answers {

	ErrorCode[] value();

}
