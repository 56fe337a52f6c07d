export * from './policyRepositories';
