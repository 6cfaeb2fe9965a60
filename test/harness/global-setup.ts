// Placeholder until the API-server harness lands (issue 5).
export default async function globalSetup(): Promise<void> {}
