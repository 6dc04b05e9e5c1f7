// Questions over examples/acme that the benches ask in turn: mixed topics, some restricted (billing, security),
// so the permission filter does real work.
export const ACME_QUESTIONS = Object.freeze([
  "How do I rotate the staging database password?",
  "How do I deploy to production?",
  "Who owns the billing service?",
  "What should I do during a security incident?",
  "How do I restart the consumers?",
  "What does a new starter need on day one?",
  "How is the backup checked?",
  "How are invoices computed?",
  "What is the architecture of the platform?",
  "How do I roll back a release?",
]);
