import { TrustConfigError } from '../../model/errors';
import type { SimulationFailure, SimulationRequest, SimulationResult } from '../result';

/* What every simulator does with a request and a verdict. */

/** The result, with `reasons` derived from the failures (so the two never disagree). */
export function simulationResult(
  where: string,
  allowed: boolean,
  failures: SimulationFailure[],
  trace: string[],
  matched: string[],
): SimulationResult {
  if (allowed !== (failures.length === 0)) throw new Error(`internal: ${where} decided allowed=${allowed} with ${failures.length} failures`);
  return { allowed, reasons: failures.map((f) => f.message), failures, trace, matched };
}

/** A request field other than the claims (RequestContext's and the cloud-specific ones). */
export type RequestField = Exclude<keyof SimulationRequest, 'claims'>;

/** Every request field, so that a field added to RequestContext cannot be silently ignored (the Record must name it). */
const REQUEST_FIELDS: Record<RequestField, true> = {
  sourceIp: true,
  awsVpcId: true,
  awsVpcEndpointId: true,
  gcpVpcNetwork: true,
  azureSubnetId: true,
  azurePrivateEndpointId: true,
  awsProviderArn: true,
  gcpMember: true,
};

/** Why a simulator cannot judge a request field, per field it refuses. */
export type Unsupported = Partial<Record<RequestField, string>>;

/**
 * The request's claims, after refusing the fields this simulator cannot judge (a silently ignored
 * network field would let a test pass that the cloud fails).
 */
export function checkRequest(where: string, request: SimulationRequest, unsupported: Unsupported): { [claim: string]: any } {
  if (typeof request !== 'object' || request === null) {
    throw new TrustConfigError(where, 'the request is not an object', 'pass { claims, ...requestContext }');
  }
  const claims = request.claims;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new TrustConfigError(`${where} request.claims`, `expected the decoded token payload (an object), got ${claims === null ? 'null' : Array.isArray(claims) ? 'an array' : typeof claims}`, 'pass the JWT claims as an object, e.g. { iss, aud, sub }');
  }
  for (const field of Object.keys(REQUEST_FIELDS) as RequestField[]) {
    const why = unsupported[field];
    if (why !== undefined && request[field] !== undefined) {
      throw new TrustConfigError(`${where} request.${field}`, `is not simulated: ${why}`, `leave request.${field} out${field === 'awsProviderArn' || field === 'gcpMember' ? '' : ', and check the network with trust.evaluate(claims, request)'}`);
    }
  }
  return claims;
}

/** Terraform JSON given as text or as the parsed object (e.g. cdktf `Testing.synth(stack)`). */
export function terraformDocument(where: string, json: any): any {
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new TrustConfigError(where, `the Terraform JSON does not parse (${(e as Error).message})`, 'pass the synthesized JSON text or object, e.g. Testing.synth(stack)');
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new TrustConfigError(where, 'the Terraform JSON is not an object', 'pass the synthesized JSON text or object, e.g. Testing.synth(stack)');
  }
  return doc;
}
