/** Sibling key with the GCP facts the simulator needs (the project number is not in the provider resource). @internal */
export const GCP_METADATA_KEY = 'ci-oidc-trust-gcp';
