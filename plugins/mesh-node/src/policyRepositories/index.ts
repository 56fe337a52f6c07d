export * from './policyRepositories';
export * from './codeOwnerIdentities';
